// The read API's view of the hot table: one ticket, a page of one of the agents' lists, and what the ledger knows of
// an archived ticket. Each list query is a range scan of the index the schema has for it (test/integration checks
// the plans), paged by position.
import type pg from 'pg';
import type { RowText } from '../../core/move/coldDocument.ts';
import { LIST_ORDER, type ListQuery } from '../../core/read/listing.ts';
import { ColumnTypes } from './columnTypes.ts';
import { guarded } from './pool.ts';
import { LEDGER, type TableSql } from './tableSql.ts';

export interface HotRows {
  rows: RowText[];
  columns: Record<string, string>;
}

/** The SQL of a list and its parameters. Exported for the plan checks of the tests. */
export function hotListQuery(q: ListQuery): { text: string; values: unknown[] } {
  const { column, descending } = LIST_ORDER[q.view];
  const values: unknown[] = [];
  const param = (v: unknown) => `$${values.push(v)}`;
  const where: string[] = [];
  switch (q.view) {
    case 'unassigned':
      where.push(`status = 'unassigned'`);
      break;
    case 'operator':
    case 'operatorGroup':
      where.push(
        `${q.view === 'operator' ? 'last_operator_id' : 'last_operator_group_id'} = ${param(q.filter.ownerId)}::bigint`,
      );
      where.push(`status = ${param(q.filter.status ?? 'in_progress')}`);
      break;
    case 'customer':
      where.push(`customer_id = ${param(q.filter.ownerId)}::bigint`);
      break;
    case 'closed':
      where.push(
        `status = 'closed'`,
        `last_operated_at >= ${param(q.filter.from)}::timestamptz`,
        `last_operated_at < ${param(q.filter.to)}::timestamptz`,
      );
      break;
  }
  if (q.after) {
    const at = param(q.after.at);
    const id = param(q.after.id);
    // The plain bound lets the index scan start at the position; the row comparison settles ties by id.
    where.push(
      `${column} ${descending ? '<=' : '>='} ${at}::timestamptz`,
      `(${column}, id) ${descending ? '<' : '>'} (${at}::timestamptz, ${id}::bigint)`,
    );
  }
  const dir = descending ? 'DESC' : 'ASC';
  return {
    text: `SELECT * FROM public.tickets WHERE ${where.join(' AND ')} ORDER BY ${column} ${dir}, id ${dir} LIMIT ${param(q.limit + 1)}`,
    values,
  };
}

export class HotTicketReads {
  private readonly columnTypes: ColumnTypes;

  constructor(
    private readonly pool: pg.Pool,
    private readonly t: TableSql,
  ) {
    this.columnTypes = new ColumnTypes(pool);
  }

  /** The ticket's row as text with its columns' types, or undefined when it is not in the hot table. */
  ticket(id: string): Promise<HotRows> {
    return guarded(`reading ticket ${id}`, async () => {
      const t = this.t;
      const res = await this.pool.query<RowText>(`SELECT * FROM ${t.table} t WHERE ${t.key()} = $1::${t.keyType}`, [
        id,
      ]);
      return { rows: res.rows, columns: await this.columnTypes.of(res.fields) };
    });
  }

  /** One more row than the page holds, so the caller knows whether another page follows. */
  list(q: ListQuery): Promise<HotRows> {
    return guarded(`listing ${q.view} tickets`, async () => {
      const { text, values } = hotListQuery(q);
      const res = await this.pool.query<RowText>(text, values);
      return { rows: res.rows, columns: await this.columnTypes.of(res.fields) };
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
