// The demo help desk's own schema (infra/local/demo/sql): the brief's tickets table with its version trigger and its
// agents' indexes, created as the table's owner would, before `migrate` prepares the database for the default spec.
// Business code's objects, not the product's: the product never creates or alters a business table.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { loadArchiveSpec } from '../../../services/runtime/archiveSpecFile.ts';
import type { ArchiveSpec } from '../../../services/core/spec/archiveSpec.ts';
import { splitStatements } from '../../../services/edges/hotStore/index.ts';
import { projectRoot } from '../settings.ts';

const SQL_DIR = join(projectRoot, 'infra', 'local', 'demo', 'sql');

/** The archive spec of the demo's table (the default spec). */
export const demoSpec = (): ArchiveSpec => loadArchiveSpec(undefined);

/** Creates the demo table and its indexes if missing (each file idempotent; index builds run outside a transaction). */
export async function applyDemoSchema(ownerUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl, application_name: 'demo-help-desk-schema' });
  await client.connect();
  try {
    for (const file of readdirSync(SQL_DIR)
      .filter((f) => f.endsWith('.sql'))
      .sort()) {
      const sql = readFileSync(join(SQL_DIR, file), 'utf8');
      if (!sql.startsWith('-- migrate:no-transaction')) await client.query(sql);
      else for (const statement of splitStatements(sql)) await client.query(statement);
    }
  } finally {
    await client.end();
  }
}
