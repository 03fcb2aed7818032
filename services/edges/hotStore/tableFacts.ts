// Reads what the live database says about the spec's table (core/spec/tableFacts.ts): the server, the table, its
// columns, primary key, replica identity and owner, the foreign keys that reference it, the tables the cold condition
// reads, and the jobs' roles. Read-only catalog queries and one EXPLAIN: nothing is locked, nothing is scanned.
import type pg from 'pg';
import type { ArchiveSpec } from '../../core/spec/archiveSpec.ts';
import type { QualifiedName } from '../../core/spec/identifiers.ts';
import type { JobRole, ReferencingKeyFact, TableFacts } from '../../core/spec/tableFacts.ts';
import { TableSql } from './tableSql.ts';

export const JOB_ROLES: Record<JobRole, string> = {
  mover: 'ticket_archiver_mover',
  restorer: 'ticket_archiver_restorer',
  reader: 'ticket_archiver_reader',
  debezium: 'debezium',
};

const ON_DELETE = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' } as const;

type Db = Pick<pg.ClientBase, 'query'>;

/** The foreign keys of other tables that reference table `oid` (a regclass or its text), as the catalog has them now. */
export async function referencingKeys(db: Db, oid: string): Promise<ReferencingKeyFact[]> {
  const res = await db.query<{
    constraint: string;
    schema: string;
    name: string;
    del: keyof typeof ON_DELETE;
    cols: string;
    refs: string;
    indexed: string;
  }>(
    // Every value as text: the hot store's pools read every column as text (pool.ts), migrate's client does not.
    `SELECT con.conname AS constraint, n.nspname AS schema, c.relname AS name, con.confdeltype AS del,
            to_json(array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, o)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.o))::text AS cols,
            to_json(array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, o)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.o))::text AS refs,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = con.conrelid AND i.indisvalid
                      AND (i.indkey::text || ' ') LIKE array_to_string(con.conkey, ' ') || ' %')::text AS indexed
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE con.contype = 'f' AND con.confrelid = $1::regclass
      ORDER BY n.nspname, c.relname, con.conname`,
    [oid],
  );
  return res.rows.map((r) => ({
    constraint: r.constraint,
    table: { schema: r.schema, name: r.name },
    columns: JSON.parse(r.cols) as string[],
    references: JSON.parse(r.refs) as string[],
    onDelete: ON_DELETE[r.del],
    indexed: r.indexed === 'true',
  }));
}

/** The table's valid indexes and their key columns, in order. */
export async function tableIndexes(db: Db, oid: string): Promise<Array<{ name: string; columns: string[] }>> {
  const res = await db.query<{ name: string; cols: string }>(
    `SELECT c.relname AS name,
            to_json(array(SELECT coalesce(a.attname::text, '') FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, o)
                    LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
                    WHERE k.o <= i.indnkeyatts ORDER BY k.o))::text AS cols
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::oid AND i.indisvalid ORDER BY c.relname`,
    [oid],
  );
  return res.rows.map((r) => ({ name: r.name, columns: JSON.parse(r.cols) as string[] }));
}

/** The tables a plan reads (its scans' relations). */
function relationsOf(plan: Record<string, unknown>, found: QualifiedName[] = []): QualifiedName[] {
  const name = plan['Relation Name'];
  const schema = plan.Schema;
  if (
    typeof name === 'string' &&
    typeof schema === 'string' &&
    !found.some((f) => f.schema === schema && f.name === name)
  ) {
    found.push({ schema, name });
  }
  for (const child of (plan.Plans as Array<Record<string, unknown>> | undefined) ?? []) relationsOf(child, found);
  return found;
}

/** The tables an EXPLAIN (FORMAT JSON) result reads. */
export function planRelations(raw: unknown): QualifiedName[] {
  const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: Record<string, unknown> }>;
  return relationsOf(parsed[0]?.Plan ?? {});
}

async function conditionRelations(db: Db, spec: ArchiveSpec): Promise<TableFacts['condition']> {
  const sql = new TableSql(spec);
  try {
    await db.query('SAVEPOINT ticket_archiver_condition');
    const res = await db.query<{ 'QUERY PLAN': unknown }>(
      `EXPLAIN (FORMAT JSON, VERBOSE) SELECT 1 FROM ${sql.table} t WHERE ${sql.when()}`,
    );
    await db.query('RELEASE SAVEPOINT ticket_archiver_condition');
    return { relations: planRelations(res.rows[0]?.['QUERY PLAN']) };
  } catch (err) {
    await db.query('ROLLBACK TO SAVEPOINT ticket_archiver_condition').catch(() => undefined);
    return { error: (err as Error).message };
  }
}

/** The facts, read inside the caller's transaction (the condition's EXPLAIN runs in a savepoint). */
export async function readTableFacts(db: Db, spec: ArchiveSpec): Promise<TableFacts> {
  const server = await db.query<{ v: string; wal: string; me: string }>(
    `SELECT current_setting('server_version_num') AS v, current_setting('wal_level') AS wal, current_user AS me`,
  );
  const s = server.rows[0] as { v: string; wal: string; me: string };
  const roles = await db.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])', [
    Object.values(JOB_ROLES),
  ]);
  const present = new Set(roles.rows.map((r) => r.rolname));
  const facts: TableFacts = {
    serverVersion: Number(s.v),
    walLevel: s.wal,
    condition: { error: 'the table does not exist' },
    current: { role: s.me, ownsTable: false },
    roles: Object.fromEntries(
      Object.entries(JOB_ROLES).map(([job, role]) => [job, present.has(role) ? role : undefined]),
    ) as TableFacts['roles'],
  };
  const table = await db.query<{ oid: string; owner: string; ident: 'd' | 'n' | 'f' | 'i'; owns: string }>(
    `SELECT c.oid::text AS oid, pg_get_userbyid(c.relowner) AS owner, c.relreplident AS ident,
            pg_has_role(current_user, c.relowner, 'MEMBER')::text AS owns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [spec.table.schema, spec.table.name],
  );
  const row = table.rows[0];
  if (!row) return facts;
  const columns = await db.query<{ name: string; type: string; not_null: string; generated: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull::text AS not_null,
            (attgenerated <> '')::text AS generated
       FROM pg_attribute WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [row.oid],
  );
  const pk = await db.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = $1::oid AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [row.oid],
  );
  facts.table = {
    owner: row.owner,
    replicaIdentity: row.ident,
    columns: columns.rows.map((c) => ({
      name: c.name,
      type: c.type,
      notNull: c.not_null === 'true',
      generated: c.generated === 'true',
    })),
    primaryKey: pk.rows.map((r) => r.name),
    referencing: await referencingKeys(db, row.oid),
    indexes: await tableIndexes(db, row.oid),
  };
  facts.current.ownsTable = row.owns === 'true';
  facts.condition = await conditionRelations(db, spec);
  return facts;
}
