// Keeping the hot ledger small: entries of tickets archived long ago are deleted, a bounded batch at a time. Their
// evidence stays in the cold store (the archive names its move; the move's record says who moved it, when and why),
// and nothing decides by an entry that old (an interrupted move is settled within ORPHAN_GRACE).
import type pg from 'pg';
import { guarded } from './pool.ts';

export class LedgerPruning {
  constructor(private readonly pool: pg.Pool) {}

  /** Deletes up to `limit` 'archived' entries older than `olderThanMs`; returns how many. */
  prune(olderThanMs: number, limit: number): Promise<number> {
    return guarded('pruning the ledger', async () => {
      const res = await this.pool.query(
        `DELETE FROM public.ticket_archiver_ledger WHERE ctid IN (
           SELECT ctid FROM public.ticket_archiver_ledger
            WHERE state = 'archived' AND at < now() - ($1::bigint * interval '1 millisecond') LIMIT $2)`,
        [olderThanMs, limit],
      );
      return res.rowCount ?? 0;
    });
  }
}
