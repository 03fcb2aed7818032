// Putting an archived row back into the hot table, exactly, with its restore hold in the ledger; and the restored
// tickets whose cold copy may have been left behind.
import type pg from 'pg';
import type { RowText } from '../../core/move/coldDocument.ts';
import type { TicketVersion } from '../../core/move/ports.ts';
import { guarded } from './pool.ts';
import { liveColumns, selectFromText } from './rowFromText.ts';

export class HotRestores {
  constructor(private readonly pool: pg.Pool) {}

  /** Tickets put back by a restore: any archive of theirs in the cold store is left over. */
  restoredTickets(): Promise<TicketVersion[]> {
    return guarded('reading restored tickets', async () => {
      const res = await this.pool.query<{ ticket_id: string; version: string }>(
        `SELECT l.ticket_id, l.version FROM public.ticket_archiver_ledger l
          WHERE l.state = 'restored' AND EXISTS (SELECT 1 FROM public.tickets t WHERE t.id = l.ticket_id)`,
      );
      return res.rows.map((r) => ({ id: r.ticket_id, version: r.version }));
    });
  }

  /** Puts an archived row back, exactly (each column's text through its type's input function: rowFromText.ts), and
   * holds it hot until `holdUntil`. Fails if the ticket is in the hot table. */
  restore(row: RowText, id: string, version: string, holdUntil: Date, mover: string): Promise<void> {
    return guarded(`restoring ticket ${id}`, async () => {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const { list, select, params } = selectFromText(await liveColumns(client, 'public.tickets'), row);
        await client.query(`INSERT INTO public.tickets (${list}) SELECT ${select}`, params);
        await client.query(
          `INSERT INTO public.ticket_archiver_ledger (ticket_id, version, state, at, hold_until, mover)
           VALUES ($1, $2, 'restored', now(), $3, $4)
           ON CONFLICT (ticket_id) DO UPDATE SET version = EXCLUDED.version, state = 'restored', at = now(),
             hold_until = EXCLUDED.hold_until, mover = EXCLUDED.mover`,
          [id, version, holdUntil.toISOString(), mover],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    });
  }
}
