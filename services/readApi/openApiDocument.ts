// The read API's OpenAPI document, made from the routes' zod schemas without any store: what GET /openapi.json serves,
// and what the typed client (services/client/) is generated from. Made as for a deployment whose reads require the
// token too: the document that declares every answer any deployment can give (a 401 on reads included).
import { pino } from 'pino';
import { buildReadApi } from './app.ts';
import type { TicketReader } from './tickets.ts';

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const unused = () => Promise.reject(new Error('the document is made without stores'));
  const app = await buildReadApi({
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
