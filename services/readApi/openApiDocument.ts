// The read API's OpenAPI document, made from the routes' zod schemas without any store: what GET /openapi.json serves,
// and what the typed client (services/client/) is generated from. Made as for a deployment whose reads require the
// token too: the document that declares every answer any deployment can give (a 401 on reads included).
import { pino } from 'pino';
import { readTableOf, type ReadTable } from '../core/read/apiSchemas.ts';
import type { ArchiveSpec } from '../core/spec/archiveSpec.ts';
import { buildReadApi } from './app.ts';
import type { TicketReader } from './tickets.ts';

/** The column types of the brief's table (docs/contracts.md), which the default spec names: without a database, the
 * document (and the typed client) is made for it. */
const CONTRACT_COLUMNS: Record<string, string> = {
  id: 'bigint',
  customer_id: 'bigint',
  last_operator_id: 'bigint',
  last_operator_group_id: 'bigint',
};

export async function openApiDocument(
  spec: ArchiveSpec,
  table: ReadTable = readTableOf(spec, CONTRACT_COLUMNS),
): Promise<Record<string, unknown>> {
  const unused = () => Promise.reject(new Error('the document is made without stores'));
  const app = await buildReadApi({
    table,
    reader: { ticket: unused, page: unused } as unknown as TicketReader,
    restorer: unused,
    token: undefined,
    readsRequireToken: true,
    log: pino({ level: 'silent' }),
  });
  try {
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
