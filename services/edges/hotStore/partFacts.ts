// What the live database says about each part of the spec (core/spec/tableFacts.ts's PartFact): its table, columns,
// indexes, the foreign keys into it, whether the migrating role owns it, and the tables its link's condition reads.
// Catalog queries and one EXPLAIN per part, in savepoints: nothing is locked, nothing is scanned.
import type pg from 'pg';
import type { ArchiveSpec } from '../../core/spec/archiveSpec.ts';
import { partPlans } from '../../core/spec/partPlan.ts';
import type { QualifiedName } from '../../core/spec/identifiers.ts';
import type { PartFact } from '../../core/spec/tableFacts.ts';
import { partSqls, type PartSql } from './partSql.ts';
import { planRelations, referencingKeys, tableIndexes } from './tableFacts.ts';

type Db = Pick<pg.ClientBase, 'query'>;

async function linkRelations(db: Db, part: PartSql): Promise<{ relations: QualifiedName[] } | { error: string }> {
  try {
    await db.query('SAVEPOINT ticket_archiver_part');
    const res = await db.query<{ 'QUERY PLAN': unknown }>(
      `EXPLAIN (FORMAT JSON, VERBOSE) SELECT 1 FROM ${part.table} p WHERE ${part.belongsTo("'{}'")}`,
    );
    await db.query('RELEASE SAVEPOINT ticket_archiver_part');
    return { relations: planRelations(res.rows[0]?.['QUERY PLAN']) };
  } catch (err) {
    await db.query('ROLLBACK TO SAVEPOINT ticket_archiver_part').catch(() => undefined);
    return { error: (err as Error).message };
  }
}

export async function readPartFacts(db: Db, spec: ArchiveSpec): Promise<PartFact[]> {
  const out: PartFact[] = [];
  for (const part of partSqls(partPlans(spec))) {
    const { schema, name } = part.plan.spec.table;
    const table = await db.query<{ oid: string; owns: string }>(
      `SELECT c.oid::text AS oid, pg_has_role(current_user, c.relowner, 'MEMBER')::text AS owns
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
      [schema, name],
    );
    const row = table.rows[0];
    if (!row) {
      out.push({ path: part.path, table: part.plan.spec.table, exists: false });
      continue;
    }
    const columns = await db.query<{ name: string; type: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
        WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [row.oid],
    );
    out.push({
      path: part.path,
      table: part.plan.spec.table,
      exists: true,
      ownsTable: row.owns === 'true',
      columns: columns.rows,
      indexes: await tableIndexes(db, row.oid),
      referencing: await referencingKeys(db, row.oid),
      link: await linkRelations(db, part),
    });
  }
  return out;
}
