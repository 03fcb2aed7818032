// `migrate`: apply the schema's migrations, or (--check) only tell whether any is pending. --check --wait is what a
// Kubernetes init container runs: the archiver's pod starts once the migrations Job has brought the schema up to date.
import { setTimeout as sleep } from 'node:timers/promises';
import { configSchema, loadConfig, withJobDatabaseUrl } from '../core/settings.ts';
import { humanSeconds } from '../core/humanDuration.ts';
import { migrate, pendingMigrations } from '../edges/hotStore/index.ts';

export interface MigrateOptions {
  check: boolean;
  /** With check: how long to wait for the schema to become current (0: answer at once). */
  waitMs: number;
}

const POLL_MS = 5000;

export async function runMigrate(o: MigrateOptions): Promise<number> {
  // The schema's owner applies migrations and grants; --check (an init container) needs only to read.
  const { DATABASE_URL } = loadConfig(
    o.check ? process.env : withJobDatabaseUrl(process.env, 'MIGRATIONS_DATABASE_URL'),
    configSchema.pick({ DATABASE_URL: true }),
  );
  if (!o.check) {
    const applied = await migrate(DATABASE_URL, (m) => console.log(m));
    console.log(applied.length ? `applied ${applied.length} migration(s)` : 'schema is up to date');
    return 0;
  }
  const deadline = Date.now() + o.waitMs;
  for (;;) {
    const pending = await pendingMigrations(DATABASE_URL);
    if (pending.length === 0) {
      console.log('schema is up to date');
      return 0;
    }
    if (Date.now() >= deadline) {
      const waited = o.waitMs > 0 ? ` after waiting ${humanSeconds(o.waitMs / 1000)}` : '';
      console.error(`schema is not up to date${waited}: pending ${pending.join(', ')} (run ticket-archiver migrate)`);
      return 1;
    }
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
}
