// The hot table as a move sees it (the move's port, core/move/ports.ts): re-read candidate rows as exact text, their
// current state and ledger entries, and the guarded delete (deletion.ts).
import type pg from 'pg';
import type { RowText } from '../../core/move/coldDocument.ts';
import type { DeleteFailure, HotState, HotTicketStore, LedgerEntry, TicketVersion } from '../../core/move/ports.ts';
import type { TableShape } from '../../core/move/tableShape.ts';
import { closed, coldNow, notHeld } from './coldRule.ts';
import { ColumnTypes } from './columnTypes.ts';
import { deleteUnchanged } from './deletion.ts';
import { guarded } from './pool.ts';

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
        `SELECT t.* FROM public.tickets t WHERE t.id = ANY($1::bigint[]) AND ${coldNow('t', '$2')} AND ${notHeld('t')}`,
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
        closed: string;
        last_operated_at: string;
        cold: string;
        held_until: string | null;
      }>(
        `SELECT t.id, t.version, (${closed('t')}) AS closed, t.last_operated_at, (${coldNow('t', '$2')}) AS cold,
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
            closed: r.closed === 't',
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
}
