// What `migrate` would do, decided read-only before it changes anything: the live table's facts and every misfit
// (core/spec/specFit.ts, the table recorded at an earlier migrate, what the migrating role may do), the product's
// migrations not yet applied, and the spec's objects (specObjects.ts). With a misfit, nothing is applied.
import type pg from 'pg';
import type { ArchiveSpec } from '../../core/spec/archiveSpec.ts';
import { displayName, quoteQualified } from '../../core/spec/identifiers.ts';
import { migratorMisfits, specMisfits } from '../../core/spec/specFit.ts';
import type { TableFacts } from '../../core/spec/tableFacts.ts';
import { MigrationError } from '../../core/errors.ts';
import { loadMigrations, type Migration } from './migrationFiles.ts';
import { candidateIndexState, candidateIndexStep } from './candidateIndex.ts';
import { PUBLICATION, specSteps, type SqlStep } from './specObjects.ts';
import { readPartFacts } from './partFacts.ts';
import { readTableFacts } from './tableFacts.ts';
import { CANDIDATE_INDEX, PRODUCT_SCHEMA, TableSql } from './tableSql.ts';

export interface MigrationPlan {
  facts: TableFacts;
  /** The table against the spec, and against the table recorded earlier: every job refuses these. */
  tableMisfits: string[];
  /** What the migrating role itself lacks: only migrate refuses these. */
  migratorMisfits: string[];
  pending: Migration[];
  steps: SqlStep[];
}

type Db = Pick<pg.ClientBase, 'query'>;

async function exists(db: Db, relation: string): Promise<boolean> {
  const res = await db.query<{ r: string | null }>('SELECT to_regclass($1)::text AS r', [relation]);
  return res.rows[0]?.r !== null && res.rows[0]?.r !== undefined;
}

/** Applied migrations by name, with their checksums (none on a database never migrated). */
async function applied(db: Db): Promise<Map<string, string>> {
  if (!(await exists(db, `${PRODUCT_SCHEMA}.migrations`))) return new Map();
  const rows = await db.query<{ name: string; checksum: string }>(
    `SELECT name, checksum FROM ${PRODUCT_SCHEMA}.migrations`,
  );
  return new Map(rows.rows.map((r) => [r.name, r.checksum]));
}

/** A spec that names another table or key than the one this database archives is refused. */
async function recordedMisfits(db: Db, spec: ArchiveSpec): Promise<string[]> {
  if (!(await exists(db, `${PRODUCT_SCHEMA}.archived_table`))) return [];
  const res = await db.query<{ table_schema: string; table_name: string; key_column: string; key_type: string }>(
    `SELECT table_schema, table_name, key_column, key_type FROM ${PRODUCT_SCHEMA}.archived_table`,
  );
  const r = res.rows[0];
  if (!r) return [];
  const same =
    r.table_schema === spec.table.schema &&
    r.table_name === spec.table.name &&
    r.key_column === spec.key.column &&
    r.key_type === spec.key.type;
  return same
    ? []
    : [
        `this database archives ${displayName({ schema: r.table_schema, name: r.table_name })} by ${r.key_column} (${r.key_type}); the spec names ${displayName(spec.table)} by ${spec.key.column} (${spec.key.type}): its ledger, timers and archives hold the first table's keys`,
      ];
}

/** What the migrating role lacks to create the product's objects and grant on the tables the rule reads. */
async function privilegeMisfits(db: Db, facts: TableFacts, t: TableSql): Promise<string[]> {
  const misfits: string[] = [];
  const schema = await db.query<{ owned: boolean | null; create: boolean }>(
    `SELECT (SELECT pg_has_role(current_user, nspowner, 'MEMBER') FROM pg_namespace WHERE nspname = $1) AS owned,
            has_database_privilege(current_database(), 'CREATE') AS create`,
    [PRODUCT_SCHEMA],
  );
  const s = schema.rows[0];
  if (s && s.owned === null && !s.create)
    misfits.push(`role ${facts.current.role} may not create schema ${PRODUCT_SCHEMA} (CREATE on the database)`);
  if (s && s.owned === false)
    misfits.push(`schema ${PRODUCT_SCHEMA} exists and belongs to another role than ${facts.current.role}`);
  const read = [
    ...('relations' in facts.condition ? facts.condition.relations : []),
    ...(facts.table?.referencing ?? []).map((fk) => fk.table),
  ].filter((r) => quoteQualified(r) !== t.table);
  for (const r of new Set(read.map(quoteQualified))) {
    const res = await db.query<{ ok: boolean }>(
      `SELECT has_table_privilege($1::regclass, 'SELECT WITH GRANT OPTION') AS ok`,
      [r],
    );
    if (!res.rows[0]?.ok)
      misfits.push(
        `role ${facts.current.role} may not grant SELECT on ${r} (the cold rule reads it): run migrate as its owner, or grant it to the jobs' roles`,
      );
  }
  return misfits;
}

/** Reads everything read-only; the caller holds a transaction (the condition's EXPLAIN runs in a savepoint). What the
 * role itself may do is checked only when it is to migrate (a job's role checks the table's fit alone). */
export async function planMigration(db: Db, spec: ArchiveSpec, forMigrate: boolean): Promise<MigrationPlan> {
  const facts = await readTableFacts(db, spec);
  if (facts.table) facts.parts = await readPartFacts(db, spec);
  const t = new TableSql(spec, facts.table?.referencing ?? []);
  const tableMisfits = [...specMisfits(spec, facts), ...(await recordedMisfits(db, spec))];
  const migrator =
    forMigrate && facts.table ? [...migratorMisfits(spec, facts), ...(await privilegeMisfits(db, facts, t))] : [];
  const done = await applied(db);
  const pending = loadMigrations().filter((m) => {
    const previous = done.get(m.name);
    if (previous !== undefined && previous !== m.checksum) {
      throw new MigrationError(`migration ${m.name} was changed after it was applied; add a new migration instead`);
    }
    return previous === undefined;
  });
  const publication = await db.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [PUBLICATION]);
  const index = facts.table ? candidateIndexStep(t, await candidateIndexState(db, t)) : undefined;
  const steps = specSteps(t, facts, (publication.rowCount ?? 0) > 0, index);
  return { facts, tableMisfits, migratorMisfits: migrator, pending, steps };
}

/** The spec's objects missing or out of date (a migrate would create or reset them). */
export async function outdatedObjects(db: Db, spec: ArchiveSpec): Promise<string[]> {
  const t = new TableSql(spec);
  // Every value as text: the hot store's pools read every column as text (pool.ts), migrate's client does not.
  const res = await db.query<{ recorded: string; published: string; fn: string }>(
    `SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass($1))::text AS recorded,
            EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = $2 AND schemaname = $3 AND tablename = $4)::text AS published,
            (to_regprocedure($5) IS NOT NULL)::text AS fn`,
    [
      `${PRODUCT_SCHEMA}.archived_table`,
      PUBLICATION,
      spec.table.schema,
      spec.table.name,
      `${PRODUCT_SCHEMA}.lock_copied(text[],text[])`,
    ],
  );
  const r = res.rows[0];
  const outdated: string[] = [];
  if (r?.recorded !== 'true') outdated.push(`${PRODUCT_SCHEMA}.archived_table (the product's schema) does not exist`);
  if (r?.published !== 'true') outdated.push(`publication ${PUBLICATION} does not publish ${t.table}`);
  if (r?.fn !== 'true') outdated.push(`function ${PRODUCT_SCHEMA}.lock_copied does not exist`);
  const index = await candidateIndexState(db, t);
  const on = `index ${CANDIDATE_INDEX} on ${displayName(spec.table)}`;
  if (index === 'missing') outdated.push(`${on} does not exist`);
  if (index === 'invalid') outdated.push(`${on} is INVALID (an interrupted build): migrate builds it again`);
  if (index === 'unmarked')
    outdated.push(`${on} carries no fingerprint (a build whose migrate was stopped): migrate marks it`);
  if (index === 'outdated')
    outdated.push(`${on} is not the spec's (activity, key or row filter changed): migrate builds it anew`);
  return outdated;
}
