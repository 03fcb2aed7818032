// The archive spec's table as SQL, the one place its names, types and cold rule are written: every query of the hot
// store is built from this. The root table is always aliased `t` where the spec's cold condition is applied (the
// condition is written over `t`). A ticket is cold when `cold.when` holds, its activity is at least COLD_AFTER old by
// the database's own clock, and no row of another table references it (a foreign key the spec does not carry: its
// delete would be refused, or would cascade into rows the cold store does not hold). Identifiers are quoted.
import { quoteIdent, quoteLiteral, quoteQualified, type QualifiedName } from '../../core/spec/identifiers.ts';
import type { ArchiveSpec } from '../../core/spec/archiveSpec.ts';
import { carried, childrenOf, onTable, partPlans } from '../../core/spec/partPlan.ts';
import { partSqls, type PartSql } from './partSql.ts';

/** A foreign key of another table that references the root table. */
export interface ReferencingKey {
  constraint: string;
  table: QualifiedName;
  columns: string[];
  /** The referenced columns of the root table, in the same order. */
  references: string[];
  onDelete: 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';
}

export { CANDIDATE_INDEX, LEDGER, PRODUCT_SCHEMA, SQL_TYPE } from './sqlNames.ts';
import { LEDGER, SQL_TYPE } from './sqlNames.ts';

export class TableSql {
  readonly table: string;
  readonly keyType: string;
  /** The spec's parts as SQL, parents first (none: the root alone). */
  readonly parts: PartSql[];
  /** The foreign keys into the root table that hold tickets back: those no part of the spec carries. */
  readonly referencing: ReferencingKey[];
  /** The foreign keys into a part's table that no child part carries: a row of theirs holds its ticket back. */
  private readonly partHolds: Array<{ chain: PartSql[]; fk: ReferencingKey }>;
  private readonly zone: string;

  constructor(
    readonly spec: ArchiveSpec,
    /** Foreign keys of other tables to the root table (held back from moves, unless a part carries them). */
    referencing: ReferencingKey[] = [],
    /** The table's columns and their types (format_type), as the database says. */
    readonly columns: Record<string, string> = {},
    /** Foreign keys into each part's table, by path (those no child part carries hold tickets back). */
    readonly partReferencing: Record<string, ReferencingKey[]> = {},
  ) {
    this.table = quoteQualified(spec.table);
    const plans = partPlans(spec);
    const parts = (this.parts = partSqls(plans));
    this.referencing = referencing.filter((fk) => !carried(fk, spec.key.column, childrenOf(plans, null)));
    this.partHolds = parts.flatMap((part) => {
      const kids = childrenOf(plans, part.path);
      const chain: PartSql[] = [];
      for (let p: PartSql | undefined = part; p; p = parts.find((q) => q.path === p?.plan.parent)) chain.unshift(p);
      // A row of another part of the spec is in the aggregate and deleted before this one (a sibling listed later).
      return (partReferencing[part.path] ?? [])
        .filter((fk) => !carried(fk, part.plan.spec.key.column, kids) && !plans.some(onTable(fk.table)))
        .map((fk) => ({ chain, fk }));
    });
    this.keyType = SQL_TYPE[spec.key.type];
    this.zone = quoteLiteral(spec.activity.timeZone ?? 'UTC');
  }

  /** The same table with the foreign keys that reference it now (a key added since this was made). */
  withReferencing(referencing: ReferencingKey[]): TableSql {
    return new TableSql(this.spec, referencing, this.columns, this.partReferencing);
  }

  /** The key column of alias `t`. */
  key(t = 't'): string {
    return `${t}.${quoteIdent(this.spec.key.column)}`;
  }

  /** The key as text: what the ledger, the cold store and the product's messages hold. */
  keyText(t = 't'): string {
    return `${this.key(t)}::text`;
  }

  /** A text[] parameter of keys as the key's own type. */
  keys(param: string): string {
    return `${param}::${this.keyType}[]`;
  }

  /** The row's version as text: the spec's version column, or xmin. */
  version(t = 't'): string {
    return this.spec.version === 'xmin' ? `${t}.xmin::text` : `${t}.${quoteIdent(this.spec.version.column)}::text`;
  }

  /** The activity column as stored (for ranges over the candidates' index). */
  activity(t = 't'): string {
    return `${t}.${quoteIdent(this.spec.activity.column)}`;
  }

  /** The activity as an instant (timestamptz), whatever the column's type. */
  activityInstant(t = 't'): string {
    return this.spec.activity.type === 'timestamptz'
      ? this.activity(t)
      : `(${this.activity(t)} AT TIME ZONE ${this.zone})`;
  }

  /** A timestamp column as an instant: a timestamp without time zone is read in the spec's zone. */
  instantOf(column: string, t = 't'): string {
    const c = `${t}.${quoteIdent(column)}`;
    return this.columns[column]?.endsWith('without time zone') ? `(${c} AT TIME ZONE ${this.zone})` : c;
  }

  /** An instant as a value of a timestamp column, so that a bound on the column itself keeps its index usable. */
  asColumnValue(instant: string, column: string): string {
    return this.columns[column]?.endsWith('without time zone') ? `((${instant}) AT TIME ZONE ${this.zone})` : instant;
  }

  /** An instant (timestamptz expression) as a value of the activity column: bounds on the column itself keep the
   * index of candidates usable. */
  asActivity(instant: string): string {
    return this.spec.activity.type === 'timestamptz' ? instant : `((${instant}) AT TIME ZONE ${this.zone})`;
  }

  /** The activity value before which a ticket in the cold state is cold now ($n: COLD_AFTER in ms). */
  coldBefore(coldAfterMs: string): string {
    return this.asActivity(`now() - (${coldAfterMs}::bigint * interval '1 millisecond')`);
  }

  /** The spec's condition under which time makes a ticket cold (over alias t). */
  when(): string {
    return `(${this.spec.cold.when})`;
  }

  /** A row of the table of foreign key `fk` references the ticket of alias `t`. */
  referencedBy(fk: ReferencingKey, t = 't', alias = 'r'): string {
    const on = fk.columns.map((col, j) => `${alias}.${quoteIdent(col)} = ${t}.${quoteIdent(fk.references[j] ?? '')}`);
    return `EXISTS (SELECT 1 FROM ${quoteQualified(fk.table)} ${alias} WHERE ${on.join(' AND ')})`;
  }

  /** Each foreign key that holds tickets back (into the ticket, or into one of its part rows from a table the spec
   * does not carry), with the SQL under which it holds the ticket of alias `t`. */
  holds(t = 't'): Array<{ fk: ReferencingKey; part: string | null; sql: string }> {
    const root = this.referencing.map((fk, i) => ({ fk, part: null, sql: this.referencedBy(fk, t, `r${i}`) }));
    const parts = this.partHolds.map(({ chain, fk }, i) => {
      // Down the chain of parts to the referenced one, each level linked to the one above, then its referencing row.
      let inner = '';
      for (let level = chain.length - 1; level >= 0; level--) {
        const part = chain[level] as PartSql;
        const alias = `ph${i}_${level}`;
        const parentKey = level === 0 ? this.key(t) : (chain[level - 1] as PartSql).key(`ph${i}_${level - 1}`);
        const below =
          level === chain.length - 1
            ? this.referencedBy({ ...fk, references: [part.plan.spec.key.column] }, alias, `phr${i}`)
            : inner;
        inner = `EXISTS (SELECT 1 FROM ${part.table} ${alias} WHERE ${part.linkedTo(parentKey, alias)} AND ${below})`;
      }
      return { fk, part: (chain[chain.length - 1] as PartSql).path, sql: inner };
    });
    return [...root, ...parts];
  }

  /** No row of another table references the ticket, or one of its part rows (a table the spec does not carry). */
  unreferenced(t = 't'): string {
    return this.holds(t)
      .map((h) => `NOT ${h.sql}`)
      .join(' AND ');
  }

  /** In the cold state and not held back by a referencing row: what time alone may make cold. */
  closed(): string {
    const unreferenced = this.unreferenced('t');
    return unreferenced ? `${this.when()} AND ${unreferenced}` : this.when();
  }

  /** Cold now, by the database's clock. */
  coldNow(coldAfterMs: string): string {
    return `${this.closed()} AND ${this.activity('t')} <= ${this.coldBefore(coldAfterMs)}`;
  }

  /** Not held hot after a restore (few: the ledger's restored entries). */
  notHeld(t = 't'): string {
    return `NOT EXISTS (SELECT 1 FROM ${LEDGER} l
      WHERE l.ticket_key = ${this.keyText(t)} AND l.state = 'restored' AND l.hold_until > now())`;
  }

  /** The row filter as SQL (the candidates' index is partial on it), or undefined. */
  rowFilter(t?: string): string | undefined {
    const f = this.spec.cold.rowFilter;
    if (!f) return undefined;
    const col = t ? `${t}.${quoteIdent(f.column)}` : quoteIdent(f.column);
    return `${col} IN (${f.in.map((v) => (typeof v === 'number' ? String(v) : quoteLiteral(v))).join(', ')})`;
  }

  /** The candidates' search: what the index of candidates serves (its predicate, the row filter), nothing more. The
   * rest of the rule (cold.when, no referencing row) is the move's to check: a search that filtered on it would read
   * past every ticket it held back, and on some tables that is nearly all of them. */
  candidates(): string {
    return this.rowFilter('t') ?? 'true';
  }

  /** The index the searches for candidates range over: (activity, key), partial on the row filter. */
  candidateIndex(name: string): string {
    const on = `${this.table} (${quoteIdent(this.spec.activity.column)}, ${quoteIdent(this.spec.key.column)})`;
    const filter = this.rowFilter();
    return `CREATE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${on}${filter ? ` WHERE ${filter}` : ''}`;
  }
}
