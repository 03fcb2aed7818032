// Applies the SQL files in infra/postgres/migrations in name order, each once, recorded in
// public.ticket_archiver_migrations with a checksum so an edited, already-applied file is refused; then the grants of
// each job's role (infra/postgres/migrations/grants.sql), on every run, so they follow the schema.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { MigrationError } from '../../core/errors.ts';
import { migrationsDir } from '../../shipped/index.ts';
import { hotStoreError } from './pool.ts';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
  /** Files starting with `-- migrate:no-transaction` run statement by statement (CREATE INDEX CONCURRENTLY). */
  transactional: boolean;
}

export function loadMigrations(dir = migrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return {
        name,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
        transactional: !sql.startsWith('-- migrate:no-transaction'),
      };
    });
}

/** Splits a no-transaction migration into statements; such files hold only plain statements ending in ';'. */
export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

// Any two migrators (two pods starting at once) serialise on this lock.
const LOCK_KEY = 724_104_331;

export async function migrate(databaseUrl: string, log: (m: string) => void = () => undefined): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'ticket-archiver-migrate' });
  await client.connect().catch((err: unknown) => {
    throw hotStoreError(err, 'connecting to migrate (DATABASE_URL)');
  });
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS public.ticket_archiver_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Map(
      (
        await client.query<{ name: string; checksum: string }>(
          'SELECT name, checksum FROM public.ticket_archiver_migrations',
        )
      ).rows.map((r) => [r.name, r.checksum]),
    );
    for (const m of loadMigrations()) {
      const previous = done.get(m.name);
      if (previous !== undefined) {
        if (previous !== m.checksum) {
          throw new MigrationError(`migration ${m.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      log(`applying migration ${m.name}`);
      try {
        if (m.transactional) {
          await client.query('BEGIN');
          await client.query(m.sql);
          await client.query('INSERT INTO public.ticket_archiver_migrations (name, checksum) VALUES ($1, $2)', [
            m.name,
            m.checksum,
          ]);
          await client.query('COMMIT');
        } else {
          await client.query("SET lock_timeout = '5s'");
          for (const statement of splitStatements(m.sql)) await client.query(statement);
          await assertNoInvalidIndexes(client);
          await client.query('INSERT INTO public.ticket_archiver_migrations (name, checksum) VALUES ($1, $2)', [
            m.name,
            m.checksum,
          ]);
        }
      } catch (err) {
        if (m.transactional) await client.query('ROLLBACK').catch(() => undefined);
        throw new MigrationError(`migration ${m.name} failed: ${(err as Error).message}`, err);
      }
      applied.push(m.name);
    }
    await client.query(grantsSql()).catch((err: unknown) => {
      throw new MigrationError(
        `granting the jobs' roles their privileges (infra/postgres/migrations/grants.sql) failed: ${(err as Error).message}`,
        err,
      );
    });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
  return applied;
}

/** The grants applied after the migrations, on every run. */
export const grantsSql = (): string => readFileSync(join(migrationsDir(), 'grants.sql'), 'utf8');

/** The migrations not yet applied (all of them on a database never migrated); an edited applied one is an error. */
export async function pendingMigrations(databaseUrl: string): Promise<Migration[]> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'ticket-archiver-migrate-check' });
  await client.connect().catch((err: unknown) => {
    throw hotStoreError(err, 'connecting to check migrations (DATABASE_URL)');
  });
  try {
    const table = await client.query<{ t: string | null }>(
      "SELECT to_regclass('public.ticket_archiver_migrations')::text AS t",
    );
    const done = new Map<string, string>();
    if (table.rows[0]?.t) {
      const rows = await client.query<{ name: string; checksum: string }>(
        'SELECT name, checksum FROM public.ticket_archiver_migrations',
      );
      for (const r of rows.rows) done.set(r.name, r.checksum);
    }
    return loadMigrations().flatMap((m) => {
      const previous = done.get(m.name);
      if (previous !== undefined && previous !== m.checksum) {
        throw new MigrationError(`migration ${m.name} was changed after it was applied; add a new migration instead`);
      }
      return previous === undefined ? [m] : [];
    });
  } finally {
    await client.end();
  }
}

/** A CREATE INDEX CONCURRENTLY that failed leaves an INVALID index which IF NOT EXISTS would then skip forever. */
async function assertNoInvalidIndexes(client: pg.Client): Promise<void> {
  const res = await client.query<{ index: string }>(`SELECT c.relname AS index FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND NOT i.indisvalid`);
  if (res.rowCount) {
    const names = res.rows.map((r) => r.index).join(', ');
    throw new MigrationError(
      `invalid index(es) left by an interrupted concurrent build: ${names}; DROP INDEX CONCURRENTLY them and migrate again`,
    );
  }
}
