// Reading an existing table for a backfill without locking it or scanning it: ranges of the partial index on closed
// tickets, (last_operated_at, id), read page by page from a position, never more than a page at a time.
import type pg from 'pg';
import { guarded } from './pool.ts';

export interface IndexPosition {
  lastOperatedAt: string;
  id: string;
}

export interface ClosedTicket extends IndexPosition {
  version: string;
}

export class BackfillPages {
  constructor(private readonly pool: pg.Pool) {}

  /** The oldest last operation of a closed ticket (one index probe), and the instant before which a closed ticket is
   * cold now (the database's clock minus COLD_AFTER), both as PostgreSQL's text. */
  bounds(coldAfterMs: number): Promise<{ oldest: string | null; coldBefore: string }> {
    return guarded('reading the oldest closed ticket', async () => {
      const res = await this.pool.query<{ oldest: string | null; cold_before: string }>(
        `SELECT (SELECT last_operated_at FROM public.tickets WHERE status = 'closed' ORDER BY last_operated_at, id LIMIT 1) AS oldest,
                now() - ($1::bigint * interval '1 millisecond') AS cold_before`,
        [coldAfterMs],
      );
      const row = res.rows[0];
      if (!row) throw new Error('no answer from the database');
      return { oldest: row.oldest, coldBefore: row.cold_before };
    });
  }

  /** One page of closed tickets with last_operated_at in [from, to) after `after`, in index order. */
  page(range: { from: string; to: string }, after: IndexPosition | undefined, limit: number): Promise<ClosedTicket[]> {
    return guarded('reading a backfill page', async () => {
      const res = await this.pool.query<{ id: string; version: string; last_operated_at: string }>(
        `SELECT t.id, t.version, t.last_operated_at FROM public.tickets t
          WHERE t.status = 'closed' AND t.last_operated_at >= $2::timestamptz AND t.last_operated_at < $3::timestamptz
            AND ($4::timestamptz IS NULL OR (t.last_operated_at, t.id) > ($4::timestamptz, $5::bigint))
          ORDER BY t.last_operated_at, t.id
          LIMIT $1`,
        [limit, range.from, range.to, after?.lastOperatedAt ?? null, after?.id ?? null],
      );
      return res.rows.map((r) => ({ id: r.id, version: r.version, lastOperatedAt: r.last_operated_at }));
    });
  }
}
