// `migrate`: checks the live database against the archive spec and the product's needs, then creates the product's own
// objects; a misfit is named and nothing is changed (exit 1). Under DRY_RUN (or --dry-run) it prints the SQL it would
// run. With --check it changes nothing: exit 0 when the database is ready for the spec, 1 otherwise; it lists the
// foreign keys that reference the archived table and how many cold tickets each holds hot. --check --wait is what a
// Kubernetes init container runs: the archiver's pod starts once the migrations Job has prepared the database.
import { setTimeout as sleep } from 'node:timers/promises';
import { SpecMisfitError } from '../core/errors.ts';
import { humanSeconds } from '../core/humanDuration.ts';
import { loadConfig, withJobDatabaseUrl } from '../core/settings.ts';
import type { ArchiveSpec } from '../core/spec/archiveSpec.ts';
import { displayName } from '../core/spec/identifiers.ts';
import { checkMigration, migrate, notReady, openMoverHotStore } from '../edges/hotStore/index.ts';
import { specOf } from './archiveSpec.ts';
import { migrateSchema } from './commandSettings.ts';
import { commandConnection } from './stores.ts';

export interface MigrateOptions {
  check: boolean;
  /** With check: how long to wait for the database to become ready (0: answer at once). */
  waitMs: number;
  dryRun: boolean;
}

const POLL_MS = 5000;

export async function runMigrate(o: MigrateOptions): Promise<number> {
  // The table's owner applies migrations and grants; --check (an init container, the movers' role) only reads.
  const env = o.check ? process.env : withJobDatabaseUrl(process.env, 'MIGRATIONS_DATABASE_URL');
  const s = loadConfig(env, migrateSchema);
  const spec = specOf(s);
  if (o.check) return check(s.DATABASE_URL, spec, o.waitMs, s.COLD_AFTER);
  try {
    const result = await migrate(s.DATABASE_URL, spec, { dryRun: o.dryRun || s.DRY_RUN, log: (m) => console.log(m) });
    if (result.script !== undefined) {
      console.log(result.script);
      console.log('\n-- dry run: the database fits the spec; nothing was applied');
    } else {
      console.log(result.applied.length ? `applied ${result.applied.length} migration(s)` : 'migrations up to date');
      console.log(`the database is ready to archive ${displayName(spec.table)}`);
    }
    return 0;
  } catch (err) {
    if (!(err instanceof SpecMisfitError)) throw err;
    console.error(`migrate: ${err.message}`);
    return 1;
  }
}

async function check(databaseUrl: string, spec: ArchiveSpec, waitMs: number, coldAfterMs: number): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const result = await checkMigration(databaseUrl, spec);
    const problems = notReady(result);
    if (problems.length === 0) {
      console.log(`the database is ready to archive ${displayName(spec.table)}: migrations up to date`);
      for (const advice of result.advice) console.log(`note: ${advice}`);
      await listHeldBack(databaseUrl, spec, coldAfterMs);
      return 0;
    }
    if (Date.now() >= deadline) {
      const waited = waitMs > 0 ? ` after waiting ${humanSeconds(waitMs / 1000)}` : '';
      console.error(`the database is not ready for the spec${waited}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      for (const fk of result.referencing) {
        console.error(
          `  foreign key ${fk.constraint} of ${displayName(fk.table)} (ON DELETE ${fk.onDelete.toUpperCase()})`,
        );
      }
      return 1;
    }
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
}

/** The foreign keys that reference the archived table, and how many cold tickets each holds hot (estimated). */
async function listHeldBack(databaseUrl: string, spec: ArchiveSpec, coldAfterMs: number): Promise<void> {
  const hot = await openMoverHotStore(commandConnection(databaseUrl, 'migrate-check'), spec);
  try {
    for (const h of await hot.inspection.heldBack(coldAfterMs)) {
      console.log(
        `foreign key ${h.constraint} of ${h.table}${h.part ? ` into part ${h.part}` : ''} (ON DELETE ${h.onDelete.toUpperCase()}): holds ${h.estimated ? 'about ' : ''}${h.tickets} cold tickets hot`,
      );
    }
  } finally {
    await hot.close();
  }
}
