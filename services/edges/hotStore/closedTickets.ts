// The searches for cold candidates, without locking the table or scanning it: ranges of the index migrate builds on
// the spec's activity column and key (partial on its row filter), read page by page from a position, never more than
// a page at a time. A candidate is not yet a cold ticket: the move re-reads it and applies the whole rule. The
// backfill reads time ranges of it; the reconciler's sweep reads the part that is past COLD_AFTER and a grace.
import type pg from 'pg';
import { guarded } from './pool.ts';
import type { TableSql } from './tableSql.ts';

/** A position in the index: after this ticket (its activity as stored, and its key). */
export interface IndexPosition {
  lastOperatedAt: string;
  id: string;
}

export interface ClosedTicket extends IndexPosition {
  version: string;
  /** Its activity as an instant (timestamptz text), whatever the column's type. */
  lastOperatedAtInstant: string;
  /** In the cold state and referenced by no other table (cold.when, the foreign keys): a move may take it once it is
   * old enough. Read with the page, per row, so a page costs its size however many tickets are held back. */
  movable: boolean;
}

export class ClosedTickets {
  constructor(
    private readonly pool: pg.Pool,
    private readonly t: TableSql,
  ) {}

  /** The oldest activity of a candidate (one index probe), and the instant before which a candidate is cold now (the
   * database's clock minus COLD_AFTER), both as instants (timestamptz text). */
  bounds(coldAfterMs: number): Promise<{ oldest: string | null; coldBefore: string }> {
    const t = this.t;
    return guarded('reading the oldest candidate', async () => {
      const res = await this.pool.query<{ oldest: string | null; cold_before: string }>(
        `SELECT (SELECT ${t.activityInstant()} FROM ${t.table} t WHERE ${t.candidates()}
                  ORDER BY ${t.activity()}, ${t.key()} LIMIT 1) AS oldest,
                now() - ($1::bigint * interval '1 millisecond') AS cold_before`,
        [coldAfterMs],
      );
      const row = res.rows[0];
      if (!row) throw new Error('no answer from the database');
      return { oldest: row.oldest, coldBefore: row.cold_before };
    });
  }

  /** One page of candidates last operated within [from, to) (instants) after `after`. */
  inRange(
    range: { from: string; to: string },
    after: IndexPosition | undefined,
    limit: number,
  ): Promise<ClosedTicket[]> {
    const t = this.t;
    const within = `${t.activity()} >= ${t.asActivity('$4::timestamptz')} AND ${t.activity()} < ${t.asActivity('$5::timestamptz')}`;
    return this.page('reading a backfill page', within, [range.from, range.to], after, limit);
  }

  /** One page of tickets cold for longer than `graceMs` beyond COLD_AFTER (their timer should have fired by then). */
  coldFor(
    coldAfterMs: number,
    graceMs: number,
    after: IndexPosition | undefined,
    limit: number,
  ): Promise<ClosedTicket[]> {
    const t = this.t;
    const within = `${t.activity()} <= ${t.coldBefore('($4::bigint + $5::bigint)')}`;
    return this.page('reading a sweep page', within, [coldAfterMs, graceMs], after, limit);
  }

  /** $1 limit, $2 and $3 the position; `within` uses $4 and $5. */
  private page(
    doing: string,
    within: string,
    params: [unknown, unknown],
    after: IndexPosition | undefined,
    limit: number,
  ): Promise<ClosedTicket[]> {
    const t = this.t;
    return guarded(doing, async () => {
      const res = await this.pool.query<{ id: string; version: string; at: string; instant: string; movable: string }>(
        `SELECT ${t.keyText()} AS id, ${t.version()} AS version, ${t.activity()}::text AS at, ${t.activityInstant()} AS instant,
                (${t.closed()})::text AS movable
           FROM ${t.table} t
          WHERE ${t.candidates()} AND ${within}
            AND ($2::text IS NULL OR (${t.activity()}, ${t.key()}) > ($2::text::${this.activityType()}, $3::text::${t.keyType}))
          ORDER BY ${t.activity()}, ${t.key()}
          LIMIT $1`,
        [limit, after?.lastOperatedAt ?? null, after?.id ?? null, ...params],
      );
      return res.rows.map((r) => ({
        id: r.id,
        version: r.version,
        lastOperatedAt: r.at,
        lastOperatedAtInstant: r.instant,
        movable: r.movable === 'true',
      }));
    });
  }

  private activityType(): string {
    return this.t.spec.activity.type === 'timestamptz' ? 'timestamptz' : 'timestamp';
  }
}
