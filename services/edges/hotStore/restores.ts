// Putting an archived row back into the hot table, exactly, with its restore hold in the ledger.
import type pg from 'pg';
import type { RowText } from '../../core/move/coldDocument.ts';
import { guarded } from './pool.ts';
import { liveColumns, selectFromText } from './rowFromText.ts';

export class HotRestores {
  constructor(private readonly pool: pg.Pool) {}

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
