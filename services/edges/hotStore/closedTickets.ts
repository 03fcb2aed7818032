// The searches for closed tickets, without locking the table or scanning it: ranges of the partial index on closed
// tickets, (last_operated_at, id), read page by page from a position, never more than a page at a time. The backfill
// reads time ranges of it; the reconciler's sweep reads the part that has been cold for longer than a grace.
import type pg from 'pg';
import { closed, coldBefore, coldNow } from './coldRule.ts';
import { guarded } from './pool.ts';

/** A position in the index: after this ticket. */
export interface IndexPosition {
  lastOperatedAt: string;
  id: string;
}

export interface ClosedTicket extends IndexPosition {
  version: string;
}

export class ClosedTickets {
  constructor(private readonly pool: pg.Pool) {}

  /** The oldest last operation of a closed ticket (one index probe), and the instant before which a closed ticket is
   * cold now (the database's clock minus COLD_AFTER), both as PostgreSQL's text. */
  bounds(coldAfterMs: number): Promise<{ oldest: string | null; coldBefore: string }> {
    return guarded('reading the oldest closed ticket', async () => {
      const res = await this.pool.query<{ oldest: string | null; cold_before: string }>(
        `SELECT (SELECT t.last_operated_at FROM public.tickets t WHERE ${closed('t')}
                  ORDER BY t.last_operated_at, t.id LIMIT 1) AS oldest,
                ${coldBefore('$1')} AS cold_before`,
        [coldAfterMs],
      );
      const row = res.rows[0];
      if (!row) throw new Error('no answer from the database');
      return { oldest: row.oldest, coldBefore: row.cold_before };
    });
  }

  /** One page of closed tickets with last_operated_at in [from, to) after `after`. */
  inRange(
    range: { from: string; to: string },
    after: IndexPosition | undefined,
    limit: number,
  ): Promise<ClosedTicket[]> {
    return this.page(
      'reading a backfill page',
      `${closed('t')} AND t.last_operated_at >= $4::timestamptz AND t.last_operated_at < $5::timestamptz`,
      [range.from, range.to],
      after,
      limit,
    );
  }

  /** One page of tickets cold for longer than `graceMs` beyond COLD_AFTER (their timer should have fired by then). */
  coldFor(
    coldAfterMs: number,
    graceMs: number,
    after: IndexPosition | undefined,
    limit: number,
  ): Promise<ClosedTicket[]> {
    return this.page(
      'reading a sweep page',
      coldNow('t', '($4::bigint + $5::bigint)'),
      [coldAfterMs, graceMs],
      after,
      limit,
    );
  }

  /** $1 limit, $2 and $3 the position; `within` uses $4 and $5. */
  private page(
    doing: string,
    within: string,
    params: [unknown, unknown],
    after: IndexPosition | undefined,
    limit: number,
  ): Promise<ClosedTicket[]> {
    return guarded(doing, async () => {
      const res = await this.pool.query<{ id: string; version: string; last_operated_at: string }>(
        `SELECT t.id, t.version, t.last_operated_at FROM public.tickets t
          WHERE ${within}
            AND ($2::timestamptz IS NULL OR (t.last_operated_at, t.id) > ($2::timestamptz, $3::bigint))
          ORDER BY t.last_operated_at, t.id
          LIMIT $1`,
        [limit, after?.lastOperatedAt ?? null, after?.id ?? null, ...params],
      );
      return res.rows.map((r) => ({ id: r.id, version: r.version, lastOperatedAt: r.last_operated_at }));
    });
  }
}
