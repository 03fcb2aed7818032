// The product's objects that depend on the archive spec, applied by every migrate after the migrations (each step
// idempotent): the table the database archives recorded, the publication Debezium reads, the function that lends the
// movers a row lock, the index of cold candidates (candidateIndex.ts: built CONCURRENTLY, so business writes never
// wait), and the jobs'
// privileges on the archived table and the tables its cold condition and foreign keys involve. Nothing here alters a
// business table's columns or adds a trigger to it.
import { quoteIdent, quoteLiteral, quoteQualified, type QualifiedName } from '../../core/spec/identifiers.ts';
import type { TableFacts } from '../../core/spec/tableFacts.ts';
import { JOB_ROLES } from './tableFacts.ts';
import { PRODUCT_SCHEMA, type TableSql } from './tableSql.ts';

export const PUBLICATION = 'ticket_archiver_cdc';
export const LOCK_FUNCTION = `${PRODUCT_SCHEMA}.lock_copied`;
const SIGNAL_TABLE = `${PRODUCT_SCHEMA}.debezium_signal`;

export interface SqlStep {
  what: string;
  sql: string;
  /** CREATE INDEX CONCURRENTLY cannot run inside a transaction block. */
  transactional: boolean;
}

function recordTable(t: TableSql): SqlStep {
  const { schema, name } = t.spec.table;
  return {
    what: 'record the archived table',
    transactional: true,
    sql: `INSERT INTO ${PRODUCT_SCHEMA}.archived_table (table_schema, table_name, key_column, key_type)
VALUES (${[schema, name, t.spec.key.column, t.spec.key.type].map(quoteLiteral).join(', ')})
ON CONFLICT (one) DO NOTHING`,
  };
}

/** Inserts and updates only: every move is a delete, and nothing follows from one (docs/archiver.md). */
function publication(t: TableSql, exists: boolean): SqlStep {
  const tables = `${t.table}, ${SIGNAL_TABLE}`;
  return {
    what: `publication ${PUBLICATION}`,
    transactional: true,
    sql: exists
      ? `ALTER PUBLICATION ${PUBLICATION} SET TABLE ${tables};\nALTER PUBLICATION ${PUBLICATION} SET (publish = 'insert, update, truncate')`
      : `CREATE PUBLICATION ${PUBLICATION} FOR TABLE ${tables} WITH (publish = 'insert, update, truncate')`,
  };
}

/** PostgreSQL grants row locks only with UPDATE, which the movers' role must not have: the table's owner lends this
 * one lock through a function. It locks the rows of exactly these keys at exactly these versions, skipping any a
 * business transaction holds, so a move's delete never waits behind business code. */
function lockFunction(t: TableSql): SqlStep {
  return lockStep(LOCK_FUNCTION, t, 't');
}

/** The same lock for each part's rows (partDeletion.ts), owned like the root's by the tables' owner. */
function partLockFunctions(t: TableSql): SqlStep[] {
  return t.parts.map((p) => lockStep(p.lockFunction, p, 'p'));
}

/** A table whose rows the movers may lock: the root (TableSql) or a part (PartSql). */
interface Lockable {
  table: string;
  keyType: string;
  key(alias: string): string;
  keyText(alias: string): string;
  version(alias: string): string;
}

function lockStep(name: string, r: Lockable, a: 't' | 'p'): SqlStep {
  return {
    what: `function ${name}`,
    transactional: true,
    sql: `CREATE OR REPLACE FUNCTION ${name}(keys text[], versions text[])
RETURNS TABLE (key text, version text)
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT ${r.keyText(a)}, ${r.version(a)} FROM ${r.table} ${a}
    JOIN unnest(keys, versions) AS c(key, version) ON ${r.key(a)} = c.key::${r.keyType} AND ${r.version(a)} = c.version
   FOR UPDATE OF ${a} SKIP LOCKED
$$;
REVOKE ALL ON FUNCTION ${name}(text[], text[]) FROM PUBLIC`,
  };
}

/** What each job's role may do on the archived table and the tables its rule reads. */
function grants(t: TableSql, facts: TableFacts): SqlStep {
  const isRoot = (r: QualifiedName) => r.schema === t.spec.table.schema && r.name === t.spec.table.name;
  // The cold condition's lookup tables (every job that applies it), and the tables whose rows hold tickets back (the
  // movers, who check them before a delete).
  const lookups = ('relations' in facts.condition ? facts.condition.relations : []).filter((r) => !isRoot(r));
  const referencing = (facts.table?.referencing ?? []).map((fk) => fk.table);
  const lines: string[] = [];
  const grant = (role: string | undefined, privileges: string, reads: QualifiedName[], same: QualifiedName[] = []) => {
    if (!role) return;
    const all = [...reads, ...same];
    const schemas = [...new Set([t.spec.table.schema, ...all.map((r) => r.schema)])].map(quoteIdent).join(', ');
    const tables = [t.table, ...new Set(same.map(quoteQualified))].join(', ');
    lines.push(`GRANT USAGE ON SCHEMA ${schemas} TO ${role};`, `GRANT ${privileges} ON ${tables} TO ${role};`);
    const others = [...new Set(reads.map(quoteQualified))];
    if (others.length) lines.push(`GRANT SELECT ON ${others.join(', ')} TO ${role};`);
  };
  // The parts' tables, and the lookup tables their links read: every job that opens the spec plans the links.
  const partTables = t.parts.map((p) => p.plan.spec.table);
  const partLookups = (facts.parts ?? []).flatMap((p) => (p.exists && 'relations' in p.link ? p.link.relations : []));
  const notPart = (r: QualifiedName) => !partTables.some((p) => p.schema === r.schema && p.name === r.name);
  const reads = [...lookups, ...partLookups.filter((r) => !isRoot(r) && notPart(r))];
  // The movers check the rows that reference a part row (a table the spec does not carry holds its ticket back).
  const partReferencing = (facts.parts ?? []).flatMap((p) => (p.exists ? p.referencing.map((fk) => fk.table) : []));
  grant(
    facts.roles.mover,
    'SELECT, DELETE',
    [...reads, ...referencing, ...partReferencing.filter(notPart)],
    partTables,
  );
  // The restorer opens the table as every job does, by checking that the spec fits: planning cold.when reads its
  // lookup tables' metadata, which needs SELECT on them.
  grant(facts.roles.restorer, 'SELECT, INSERT', reads, partTables);
  grant(facts.roles.reader, 'SELECT', reads, partTables);
  grant(facts.roles.debezium, 'SELECT', []);
  if (facts.roles.mover) {
    lines.push(`GRANT EXECUTE ON FUNCTION ${LOCK_FUNCTION}(text[], text[]) TO ${JOB_ROLES.mover};`);
    for (const p of t.parts)
      lines.push(`GRANT EXECUTE ON FUNCTION ${p.lockFunction}(text[], text[]) TO ${JOB_ROLES.mover};`);
  }
  return { what: "the jobs' privileges on the archived table", transactional: true, sql: lines.join('\n') };
}

/** Every step, in order; `publicationExists` says whether to create or to reset it, `index` what the index of
 * candidates needs (candidateIndex.ts). */
export function specSteps(t: TableSql, facts: TableFacts, publicationExists: boolean, index?: SqlStep): SqlStep[] {
  return [
    recordTable(t),
    publication(t, publicationExists),
    lockFunction(t),
    ...partLockFunctions(t),
    ...(index ? [index] : []),
    grants(t, facts),
  ];
}
