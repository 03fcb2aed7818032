// The hot ledger as the reconciler keeps it: the restored tickets whose archives may be left over, and pruning. Entries
// of tickets archived long ago are deleted, a bounded batch at a time: their evidence stays in the cold store (the
// archive names its move; the move's record says who moved it, when and why), and nothing decides by an entry that old
// (an interrupted move is settled within ORPHAN_GRACE).
import type pg from 'pg';
import type { TicketVersion } from '../../core/move/ports.ts';
import { guarded } from './pool.ts';
import { LEDGER, type TableSql } from './tableSql.ts';

export class HotLedger {
  constructor(
    private readonly pool: pg.Pool,
    private readonly t: TableSql,
  ) {}

  /** Tickets put back by a restore, at the version of the archive they came from: any such archive is left over. */
  restoredTickets(): Promise<TicketVersion[]> {
    const t = this.t;
    return guarded('reading restored tickets', async () => {
      const res = await this.pool.query<{ ticket_key: string; version: string }>(
        `SELECT l.ticket_key, l.version FROM ${LEDGER} l
          WHERE l.state = 'restored' AND EXISTS (SELECT 1 FROM ${t.table} t WHERE ${t.key()} = l.ticket_key::${t.keyType})`,
      );
      return res.rows.map((r) => ({ id: r.ticket_key, version: r.version }));
    });
  }

  /** Deletes up to `limit` 'archived' entries older than `olderThanMs`; returns how many. */
  prune(olderThanMs: number, limit: number): Promise<number> {
    return guarded('pruning the ledger', async () => {
      const res = await this.pool.query(
        `DELETE FROM ${LEDGER} WHERE ctid IN (
           SELECT ctid FROM ${LEDGER}
            WHERE state = 'archived' AND at < now() - ($1::bigint * interval '1 millisecond') LIMIT $2)`,
        [olderThanMs, limit],
      );
      return res.rowCount ?? 0;
    });
  }
}
