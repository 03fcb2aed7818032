// Whether the live table fits the archive spec and the product's needs, decided from the database's facts before
// anything is changed: every misfit is named, with what to do about it. `migrate` refuses to change anything while
// one remains, and every mover refuses to start. The brief's rule: do no harm to the user's database.
import type { ArchiveSpec } from './archiveSpec.ts';
import { displayName } from './identifiers.ts';
import { partMigratorMisfits, partMisfits } from './partFit.ts';
import { KEY_TYPE_NAMES } from './specFields.ts';
import type { TableFacts } from './tableFacts.ts';

const MIN_SERVER = 130000;

/** The types of a list's column: a value the read API can take from a URL and check before any query. */
const LIST_TYPES =
  /^(smallint|integer|bigint|numeric(\(\d+(,\d+)?\))?|uuid|text|character varying(\(\d+\))?|character(\(\d+\))?)$/;

const ACTIVITY_TYPES = {
  timestamptz: /^timestamp(\(\d\))? with time zone$/,
  timestamp: /^timestamp(\(\d\))? without time zone$/,
};

export function specMisfits(spec: ArchiveSpec, facts: TableFacts): string[] {
  const misfits: string[] = [];
  const table = displayName(spec.table);
  if (facts.serverVersion < MIN_SERVER)
    misfits.push(`PostgreSQL ${facts.serverVersion}: the product needs 13 or later (pg_current_snapshot)`);
  if (facts.walLevel !== 'logical')
    misfits.push(`wal_level is ${facts.walLevel}: change data capture needs wal_level = logical (a restart)`);
  const t = facts.table;
  if (!t) return [...misfits, `table ${table}: does not exist (table in the spec)`];
  const column = (name: string) => t.columns.find((c) => c.name === name);
  const needColumn = (name: string, field: string) => {
    if (!column(name)) misfits.push(`${table}.${name}: no such column (${field} in the spec)`);
  };

  const key = column(spec.key.column);
  if (!key) needColumn(spec.key.column, 'key.column');
  else {
    if (!KEY_TYPE_NAMES[spec.key.type].test(key.type))
      misfits.push(`${table}.${key.name}: is ${key.type}, the spec says ${spec.key.type} (key.type)`);
    if (t.primaryKey.length !== 1 || t.primaryKey[0] !== key.name) {
      const pk = t.primaryKey.length ? `(${t.primaryKey.join(', ')})` : 'none';
      misfits.push(
        `${table}: its primary key is ${pk}; the spec's key must be the table's single-column primary key (key.column)`,
      );
    }
  }
  const activity = column(spec.activity.column);
  if (!activity) needColumn(spec.activity.column, 'activity.column');
  else if (!ACTIVITY_TYPES[spec.activity.type].test(activity.type)) {
    misfits.push(`${table}.${activity.name}: is ${activity.type}, the spec says ${spec.activity.type} (activity.type)`);
  }
  if (spec.version !== 'xmin') needColumn(spec.version.column, 'version.column');
  if (spec.cold.rowFilter) needColumn(spec.cold.rowFilter.column, 'cold.rowFilter.column');
  for (const [i, list] of spec.lists.entries()) {
    const by = column(list.column);
    if (!by) needColumn(list.column, `lists.${i}.column`);
    else if (!LIST_TYPES.test(by.type))
      misfits.push(
        `${table}.${by.name}: is ${by.type}; a list's column must be a whole number, numeric, uuid or text (lists.${i}.column: the read API takes its value from a URL)`,
      );
    const order = column(list.orderBy);
    if (!order) needColumn(list.orderBy, `lists.${i}.orderBy`);
    else if (!ACTIVITY_TYPES.timestamptz.test(order.type) && !ACTIVITY_TYPES.timestamp.test(order.type))
      misfits.push(
        `${table}.${order.name}: is ${order.type}; a list is ordered by a timestamp (lists.${i}.orderBy: its pages are cut by instant)`,
      );
  }
  if ('error' in facts.condition) misfits.push(`cold.when does not plan on ${table} t: ${facts.condition.error}`);

  if (t.replicaIdentity === 'n' || (t.replicaIdentity === 'd' && t.primaryKey.length === 0)) {
    misfits.push(
      `${table}: REPLICA IDENTITY ${t.replicaIdentity === 'n' ? 'NOTHING' : 'DEFAULT without a primary key'}: once in a publication, every UPDATE of the table would fail`,
    );
  }
  for (const fk of t.referencing.filter((k) => !k.indexed)) {
    misfits.push(
      `${displayName(fk.table)} (${fk.columns.join(', ')}) references ${table} without an index: checking a ticket's references would scan it (CREATE INDEX CONCURRENTLY ... ON ${displayName(fk.table)} (${fk.columns.join(', ')}))`,
    );
  }
  return [...misfits, ...partMisfits(spec, facts)];
}

/** What `migrate` itself needs to change anything: the table's owner (or a member of its role) builds the index of
 * candidates, adds the table to the publication and grants the jobs' roles their privileges on it. */
export function migratorMisfits(spec: ArchiveSpec, facts: TableFacts): string[] {
  if (!facts.table) return [];
  if (facts.current.ownsTable) return partMigratorMisfits(facts);
  return [
    `role ${facts.current.role} does not own ${displayName(spec.table)} (its owner is ${facts.table.owner}): run migrate as the table's owner, which builds an index CONCURRENTLY, adds the table to a publication and grants the jobs' roles their privileges on it`,
  ];
}

/** Not misfits, but what an operator should know: a spec list the table has no index for (its column, then its
 * order) makes the read API's hot list of a value read all of that value's tickets and sort them. */
export function listAdvice(spec: ArchiveSpec, facts: TableFacts): string[] {
  const t = facts.table;
  if (!t) return [];
  const table = displayName(spec.table);
  return spec.lists
    .filter((l) => !t.indexes.some((i) => i.columns[0] === l.column && i.columns[1] === l.orderBy))
    .map(
      (l) =>
        `list ${l.name}: ${table} has no index on (${l.column}, ${l.orderBy}); the read API's hot list of one ${l.column} reads and sorts all of its tickets (CREATE INDEX CONCURRENTLY ... ON ${table} (${l.column}, ${l.orderBy} DESC))`,
    );
}
