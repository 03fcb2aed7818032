// Progress of a backfill as the benchmark watches it, at the cost of an index range over the last seconds of the
// ledger: each reading counts the moves recorded since the previous one (ledger_at_idx), never the table. The ledger's
// `at` is its transaction's start, so a reading stops LAG_SECONDS short of now, where every transaction that began
// before has committed; a mover paused longer than that (the quiet windows) commits a few rows behind the edge, which
// `recount` finds near the end (one range over the run's moves, once) and the exact count at the end (ledgerSince).
import type pg from 'pg';
import { LEDGER } from '../../services/edges/hotStore/sqlNames.ts';

const LAG_SECONDS = 5;

export class LedgerProgress {
  private counted = 0;
  private edge: string;
  private readonly since: string;

  constructor(
    private readonly db: pg.Pool,
    since: Date,
  ) {
    this.since = since.toISOString();
    this.edge = this.since;
  }

  /** Every move recorded from the start up to the edge, counted again: those committed late behind it included. */
  async recount(): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${LEDGER} WHERE state = 'archived' AND at >= $1 AND at < $2`,
      [this.since, this.edge],
    );
    this.counted = Number(rows[0]?.n ?? this.counted);
    return this.counted;
  }

  /** Moves recorded since the start, as of LAG_SECONDS ago. */
  async moved(): Promise<number> {
    const { rows } = await this.db.query<{ n: string; upto: string }>(
      `WITH e AS (SELECT greatest($1::timestamptz, now() - make_interval(secs => $2)) AS upto)
       SELECT (SELECT count(*) FROM ${LEDGER}, e
                WHERE state = 'archived' AND at >= $1::timestamptz AND at < e.upto)::text AS n,
              (SELECT upto FROM e)::text AS upto`,
      [this.edge, LAG_SECONDS],
    );
    this.counted += Number(rows[0]?.n ?? 0);
    this.edge = rows[0]?.upto ?? this.edge;
    return this.counted;
  }
}

/** Moves recorded since `since` and the commit time of the last one (database clock): once, when the run is over. */
export async function ledgerSince(db: pg.Pool, since: Date): Promise<{ moved: number; lastMoveAt: number }> {
  const { rows } = await db.query<{ n: string; last: string | null }>(
    `SELECT count(*)::text AS n, (extract(epoch FROM max(at)) * 1000)::bigint::text AS last
       FROM ${LEDGER} WHERE state = 'archived' AND at >= $1`,
    [since],
  );
  return { moved: Number(rows[0]?.n), lastMoveAt: Number(rows[0]?.last ?? since.getTime()) };
}
