// `migrate`: apply the schema's migrations; under DRY_RUN (or --dry-run) print the SQL that would run and apply
// nothing; with --check only tell whether any is pending. --check --wait is what a Kubernetes init container runs: the
// archiver's pod starts once the migrations Job has brought the schema up to date.
import { setTimeout as sleep } from 'node:timers/promises';
import { humanSeconds } from '../core/humanDuration.ts';
import { loadConfig, withJobDatabaseUrl } from '../core/settings.ts';
import { grantsSql, migrate, pendingMigrations } from '../edges/hotStore/index.ts';
import { migrateSchema } from './commandSettings.ts';

export interface MigrateOptions {
  check: boolean;
  /** With check: how long to wait for the schema to become current (0: answer at once). */
  waitMs: number;
  dryRun: boolean;
}

const POLL_MS = 5000;

export async function runMigrate(o: MigrateOptions): Promise<number> {
  // The schema's owner applies migrations and grants; --check (an init container) needs only to read.
  const env = o.check ? process.env : withJobDatabaseUrl(process.env, 'MIGRATIONS_DATABASE_URL');
  const s = loadConfig(env, migrateSchema);
  if (o.check) return check(s.DATABASE_URL, o.waitMs);
  if (o.dryRun || s.DRY_RUN) {
    const pending = await pendingMigrations(s.DATABASE_URL);
    for (const m of pending) console.log(`-- migration ${m.name}\n${m.sql.trimEnd()}\n`);
    console.log(`-- grants (applied on every run)\n${grantsSql().trimEnd()}\n`);
    console.log(`-- dry run: ${pending.length} migration(s) pending; nothing was applied`);
    return 0;
  }
  const applied = await migrate(s.DATABASE_URL, (m) => console.log(m));
  console.log(applied.length ? `applied ${applied.length} migration(s)` : 'schema is up to date');
  return 0;
}

async function check(databaseUrl: string, waitMs: number): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const pending = (await pendingMigrations(databaseUrl)).map((m) => m.name);
    if (pending.length === 0) {
      console.log('schema is up to date');
      return 0;
    }
    if (Date.now() >= deadline) {
      const waited = waitMs > 0 ? ` after waiting ${humanSeconds(waitMs / 1000)}` : '';
      console.error(`schema is not up to date${waited}: pending ${pending.join(', ')} (run ticket-archiver migrate)`);
      return 1;
    }
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
}
