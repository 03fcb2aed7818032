// The read API's view of the archived table: one ticket, a page of one of the spec's lists (a column's value, newest
// first by another column) or of the tickets in the cold state last operated within a time range, and what the
// ledger knows of an archived ticket. Each list is a range scan of an index the table has for it (migrate's check
// names a list without one; the tests check the plans), paged by position.
import type pg from 'pg';
import type { RowText } from '../../core/move/coldDocument.ts';
import { CLOSED, type ListQuery } from '../../core/read/listing.ts';
import { quoteIdent } from '../../core/spec/identifiers.ts';
import { ColumnTypes } from './columnTypes.ts';
import { guarded } from './pool.ts';
import { LEDGER, type TableSql } from './tableSql.ts';

export interface HotRows {
  rows: RowText[];
  columns: Record<string, string>;
  /** Each row's sort key as an instant (ISO 8601 text, microseconds kept), for the next page's cursor. */
  positions: string[];
}

/** The SQL of a list and its parameters. Exported for the plan checks of the tests. */
export function hotListQuery(t: TableSql, q: ListQuery): { text: string; values: unknown[]; orderBy: string } {
  const values: unknown[] = [];
  const param = (v: unknown) => `$${values.push(v)}`;
  const where: string[] = [];
  let orderBy: string;
  if (q.list === CLOSED) {
    orderBy = t.spec.activity.column;
    const filter = t.rowFilter('t');
    where.push(...(filter ? [filter] : []), t.when());
    where.push(`${t.activity()} >= ${t.asActivity(`${param(q.filter.from)}::timestamptz`)}`);
    where.push(`${t.activity()} < ${t.asActivity(`${param(q.filter.to)}::timestamptz`)}`);
  } else {
    const list = t.spec.lists.find((l) => l.name === q.list);
    if (!list) throw new Error(`no list ${q.list} in the archive spec`);
    orderBy = list.orderBy;
    where.push(
      `t."${list.column.replaceAll('"', '""')}" = ${param(q.filter.value)}::${t.columns[list.column] ?? 'text'}`,
    );
  }
  const sortKey = `t.${quoteIdent(orderBy)}`;
  if (q.after) {
    const at = t.asColumnValue(`${param(q.after.at)}::timestamptz`, orderBy);
    const id = `${param(q.after.id)}::${t.keyType}`;
    // The plain bound lets the index scan start at the position; the row comparison settles ties by key.
    where.push(`${sortKey} <= ${at}`, `(${sortKey}, ${t.key()}) < (${at}, ${id})`);
  }
  // PostgreSQL's own text of the instant, which it reads back exactly: any year, BC, and the infinities.
  const instant = t.instantOf(orderBy);
  const position = `CASE WHEN isfinite(${instant}) THEN to_char(${instant} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z" BC') ELSE ${instant}::text END`;
  return {
    text: `SELECT t.*, ${position} AS "ticket_archiver.position" FROM ${t.table} t
      WHERE ${where.join(' AND ')} ORDER BY ${sortKey} DESC, ${t.key()} DESC LIMIT ${param(q.limit + 1)}`,
    values,
    orderBy,
  };
}

const POSITION = 'ticket_archiver.position';

export class HotTicketReads {
  private readonly columnTypes: ColumnTypes;

  constructor(
    private readonly pool: pg.Pool,
    private readonly t: TableSql,
  ) {
    this.columnTypes = new ColumnTypes(pool);
  }

  /** The ticket's row as text with its columns' types; no row when it is not in the hot table. */
  ticket(id: string): Promise<Omit<HotRows, 'positions'>> {
    const t = this.t;
    return guarded(`reading ticket ${id}`, async () => {
      const res = await this.pool.query<RowText>(`SELECT * FROM ${t.table} t WHERE ${t.key()} = $1::${t.keyType}`, [
        id,
      ]);
      return { rows: res.rows, columns: await this.columnTypes.of(res.fields) };
    });
  }

  /** One more row than the page holds, so the caller knows whether another page follows. */
  list(q: ListQuery): Promise<HotRows> {
    return guarded(`listing ${q.list} tickets`, async () => {
      const { text, values } = hotListQuery(this.t, q);
      const res = await this.pool.query<RowText>(text, values);
      const positions = res.rows.map((r) => r[POSITION] ?? '');
      const rows = res.rows.map(({ [POSITION]: _, ...row }) => row);
      return { rows, columns: await this.columnTypes.of(res.fields.filter((f) => f.name !== POSITION)), positions };
    });
  }

  /** When the ledger says the ticket was archived (entries older than its retention are pruned: then undefined). */
  archivedAt(id: string): Promise<string | undefined> {
    return guarded(`reading the ledger of ticket ${id}`, async () => {
      const res = await this.pool.query<{ at: string }>(
        `SELECT at FROM ${LEDGER} WHERE ticket_key = $1 AND state = 'archived'`,
        [id],
      );
      return res.rows[0]?.at;
    });
  }
}
