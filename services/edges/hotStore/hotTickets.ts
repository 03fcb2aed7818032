// The hot table as a move sees it: re-read candidate rows as exact text, their current state and ledger entries, the
// guarded delete (deletion.ts), and pages of cold tickets the stream missed (the reconciler's sweep).
import type pg from 'pg';
import type { RowText } from '../../core/move/coldDocument.ts';
import type { DeleteFailure, HotState, HotTicketStore, LedgerEntry, TicketVersion } from '../../core/move/ports.ts';
import type { TableShape } from '../../core/move/tableShape.ts';
import { COLD_SQL, NOT_HELD_SQL } from './coldSql.ts';
import { ColumnTypes } from './columnTypes.ts';
import { deleteUnchanged } from './deletion.ts';
import { guarded } from './pool.ts';

export interface SweepPosition {
  lastOperatedAt: string;
  id: string;
}

export class HotTickets implements HotTicketStore {
  private readonly columnTypes: ColumnTypes;

  constructor(
    private readonly pool: pg.Pool,
    private readonly coldAfterMs: number,
  ) {
    this.columnTypes = new ColumnTypes(pool);
  }

  readColdRows(ids: string[]): Promise<{ rows: RowText[]; columns: TableShape }> {
    if (ids.length === 0) return Promise.resolve({ rows: [], columns: {} });
    return guarded('re-reading tickets', async () => {
      const res = await this.pool.query<RowText>(
        `SELECT t.* FROM public.tickets t WHERE t.id = ANY($1::bigint[]) AND ${COLD_SQL} AND ${NOT_HELD_SQL}`,
        [ids, this.coldAfterMs],
      );
      return { rows: res.rows, columns: await this.columnTypes.of(res.fields) };
    });
  }

  readStates(ids: string[]): Promise<Map<string, HotState>> {
    if (ids.length === 0) return Promise.resolve(new Map<string, HotState>());
    return guarded('reading ticket states', async () => {
      const res = await this.pool.query<{
        id: string;
        version: string;
        status: string;
        last_operated_at: string;
        cold: string;
        held_until: string | null;
      }>(
        `SELECT t.id, t.version, t.status, t.last_operated_at, (${COLD_SQL}) AS cold,
                (SELECT l.hold_until FROM public.ticket_archiver_ledger l
                  WHERE l.ticket_id = t.id AND l.state = 'restored' AND l.hold_until > now()) AS held_until
           FROM public.tickets t WHERE t.id = ANY($1::bigint[])`,
        [ids, this.coldAfterMs],
      );
      return new Map(
        res.rows.map((r) => [
          r.id,
          {
            id: r.id,
            version: r.version,
            status: r.status,
            lastOperatedAt: r.last_operated_at,
            cold: r.cold === 't',
            heldUntil: r.held_until,
          },
        ]),
      );
    });
  }

  readLedger(ids: string[]): Promise<Map<string, LedgerEntry>> {
    if (ids.length === 0) return Promise.resolve(new Map<string, LedgerEntry>());
    return guarded('reading the ledger', async () => {
      const res = await this.pool.query<{
        ticket_id: string;
        version: string;
        state: 'archived' | 'restored';
        hold_until: string | null;
      }>(
        'SELECT ticket_id, version, state, hold_until FROM public.ticket_archiver_ledger WHERE ticket_id = ANY($1::bigint[])',
        [ids],
      );
      return new Map(
        res.rows.map((r) => [
          r.ticket_id,
          { id: r.ticket_id, version: r.version, state: r.state, holdUntil: r.hold_until },
        ]),
      );
    });
  }

  deleteUnchanged(
    copied: TicketVersion[],
    shape: TableShape,
    mover: string,
    lockTimeoutMs: number,
  ): Promise<{ deleted: TicketVersion[]; failed: DeleteFailure[] }> {
    return guarded('deleting moved tickets', () =>
      deleteUnchanged(
        { pool: this.pool, columnTypes: this.columnTypes, coldAfterMs: this.coldAfterMs },
        copied,
        shape,
        mover,
        lockTimeoutMs,
      ),
    );
  }

  /**
   * One page of tickets that are cold by the rule and have been for longer than `graceMs` (their timer should have
   * fired by then), in (last_operated_at, id) order from `after`. A range scan of the partial index on closed tickets.
   */
  sweepPage(after: SweepPosition | undefined, limit: number, graceMs: number): Promise<SweepPosition[]> {
    return guarded('reading a sweep page', async () => {
      const res = await this.pool.query<{ id: string; last_operated_at: string }>(
        `SELECT t.id, t.last_operated_at FROM public.tickets t
          WHERE t.status = 'closed' AND t.last_operated_at <= now() - (($2::bigint + $3::bigint) * interval '1 millisecond')
            AND ($4::timestamptz IS NULL OR (t.last_operated_at, t.id) > ($4::timestamptz, $5::bigint))
          ORDER BY t.last_operated_at, t.id
          LIMIT $1`,
        [limit, this.coldAfterMs, graceMs, after?.lastOperatedAt ?? null, after?.id ?? null],
      );
      return res.rows.map((r) => ({ id: r.id, lastOperatedAt: r.last_operated_at }));
    });
  }
}
