// `migrate`: checks the live database against the archive spec and the product's needs, and only when nothing misfits
// creates the product's own objects: its schema and migrations (migrationFiles.ts), the grants on them, and the
// spec's objects (specObjects.ts). Two migrators (two pods starting at once) serialise on an advisory lock; every DDL
// statement in a transaction runs with lock_timeout = 5s so a migration gives up rather than queue behind a long
// transaction and lock out agents (the index built CONCURRENTLY blocks no write, and waits: candidateIndex.ts). A dry run prints the SQL it would run. The check (`migrate --check`, every mover at start) says what is
// pending or misfits without changing anything.
import pg from 'pg';
import { MigrationError, SpecMisfitError } from '../../core/errors.ts';
import type { ArchiveSpec } from '../../core/spec/archiveSpec.ts';
import { listAdvice } from '../../core/spec/specFit.ts';
import type { ReferencingKeyFact } from '../../core/spec/tableFacts.ts';
import { grantsSql, splitStatements } from './migrationFiles.ts';
import { outdatedObjects, planMigration, type MigrationPlan } from './migrationPlan.ts';
import { hotStoreError } from './pool.ts';
import { PRODUCT_SCHEMA } from './tableSql.ts';

const LOCK_KEY = 724_104_331;
const BOOKKEEPING = `CREATE SCHEMA IF NOT EXISTS ${PRODUCT_SCHEMA};
CREATE TABLE IF NOT EXISTS ${PRODUCT_SCHEMA}.migrations (
  name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;

async function connect(databaseUrl: string, purpose: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: `ticket-archiver-${purpose}` });
  await client.connect().catch((err: unknown) => {
    throw hotStoreError(err, `connecting to ${purpose}`);
  });
  return client;
}

/** The plan, read in a read-only transaction. */
async function readPlan(client: pg.Client, spec: ArchiveSpec): Promise<MigrationPlan> {
  await client.query('BEGIN READ ONLY');
  try {
    return await planMigration(client, spec, true);
  } finally {
    await client.query('ROLLBACK');
  }
}

/** The SQL a migrate would run, in order, as one script (a dry run prints it). */
export function planScript(plan: MigrationPlan): string {
  return [
    `-- the product's schema and its migrations' record\n${BOOKKEEPING};`,
    ...plan.pending.map((m) => `-- migration ${m.name}\n${m.sql.trimEnd()}`),
    `-- grants on the product's objects (every run)\n${grantsSql().trimEnd()}`,
    ...plan.steps.map(
      (s) => `-- ${s.what}${s.transactional ? '' : ' (outside a transaction)'}\n${s.sql.replace(/;\s*$/, '')};`,
    ),
  ].join('\n\n');
}

async function inTransaction(client: pg.Client, what: string, sql: string): Promise<void> {
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL lock_timeout = '5s'");
    await client.query(sql);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError(`${what} failed: ${(err as Error).message}`, err);
  }
}

/** Checks, then applies what is pending; refuses with every misfit, having changed nothing. */
export async function migrate(
  databaseUrl: string,
  spec: ArchiveSpec,
  o: { dryRun?: boolean; log?: (m: string) => void } = {},
): Promise<{ applied: string[]; script?: string }> {
  const log = o.log ?? (() => undefined);
  const client = await connect(databaseUrl, 'migrate');
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    const plan = await readPlan(client, spec);
    const misfits = [...plan.tableMisfits, ...plan.migratorMisfits];
    if (misfits.length > 0) throw new SpecMisfitError(misfits);
    if (o.dryRun) return { applied: [], script: planScript(plan) };
    await inTransaction(client, `creating schema ${PRODUCT_SCHEMA}`, BOOKKEEPING);
    for (const m of plan.pending) {
      log(`applying migration ${m.name}`);
      await inTransaction(
        client,
        `migration ${m.name}`,
        `${m.sql};\nINSERT INTO ${PRODUCT_SCHEMA}.migrations (name, checksum) VALUES ('${m.name}', '${m.checksum}')`,
      );
    }
    await inTransaction(client, 'granting the jobs their privileges on the product objects (grants.sql)', grantsSql());
    for (const step of plan.steps) {
      log(step.what);
      if (step.transactional) await inTransaction(client, step.what, step.sql);
      else {
        for (const statement of splitStatements(step.sql))
          await client.query(statement).catch((err: unknown) => {
            throw new MigrationError(`${step.what} failed: ${(err as Error).message}`, err);
          });
      }
    }
    const outdated = await outdatedObjects(client, spec);
    if (outdated.length > 0) throw new MigrationError(`after migrate: ${outdated.join('; ')}`);
    return { applied: plan.pending.map((m) => m.name) };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

export interface MigrationCheck {
  misfits: string[];
  pending: string[];
  outdated: string[];
  /** Foreign keys of other tables to the archived table: tickets they reference are held back. */
  referencing: ReferencingKeyFact[];
  /** Foreign keys into each part's table, by path. */
  partReferencing: Record<string, ReferencingKeyFact[]>;
  /** The archived table's columns and their types (format_type). */
  columns: Record<string, string>;
  /** Not misfits, but worth an operator's attention (specFit.ts listAdvice). */
  advice: string[];
}

/** Whether the database is ready for the spec, read-only, on a connection of the caller's. */
export async function checkDatabase(client: pg.ClientBase, spec: ArchiveSpec): Promise<MigrationCheck> {
  await client.query('BEGIN READ ONLY');
  try {
    const plan = await planMigration(client, spec, false);
    // What the migrating role lacks is migrate's business, not the checking job's: only the table's fit counts here.
    return {
      misfits: plan.tableMisfits,
      pending: plan.pending.map((m) => m.name),
      outdated: await outdatedObjects(client, spec),
      referencing: plan.facts.table?.referencing ?? [],
      partReferencing: Object.fromEntries(
        (plan.facts.parts ?? []).flatMap((p) => (p.exists ? [[p.path, p.referencing]] : [])),
      ),
      columns: Object.fromEntries((plan.facts.table?.columns ?? []).map((c) => [c.name, c.type])),
      advice: listAdvice(spec, plan.facts),
    };
  } finally {
    await client.query('ROLLBACK');
  }
}

/** Whether the database is ready for the spec, read-only: misfits, pending migrations, the spec's objects. */
export async function checkMigration(databaseUrl: string, spec: ArchiveSpec): Promise<MigrationCheck> {
  const client = await connect(databaseUrl, 'migrate-check');
  try {
    return await checkDatabase(client, spec);
  } finally {
    await client.end();
  }
}

/** What keeps a job from running on the database: misfits first, then what a migrate must still do. */
export function notReady(check: MigrationCheck): string[] {
  return [
    ...check.misfits,
    ...(check.pending.length ? [`migrations pending: ${check.pending.join(', ')} (run ticket-archiver migrate)`] : []),
    ...check.outdated.map((o) => `${o} (run ticket-archiver migrate)`),
  ];
}
