// Putting an archived row back into the archived table, exactly, with its restore hold in the ledger. An identity key
// generated ALWAYS is given back as it was (OVERRIDING SYSTEM VALUE); generated columns are computed again.
import type pg from 'pg';
import type { RowText } from '../../core/move/coldDocument.ts';
import { guarded } from './pool.ts';
import { liveColumns, selectFromText } from './rowFromText.ts';
import { LEDGER, type TableSql } from './tableSql.ts';

export class HotRestores {
  constructor(
    private readonly pool: pg.Pool,
    private readonly t: TableSql,
  ) {}

  /** Puts an archived row back, exactly (each column's text through its type's input function: rowFromText.ts), and
   * holds it hot until `holdUntil`. The ledger keeps the archive's version (a leftover archive of it is removed by the
   * reconciler). Fails if the ticket is in the hot table. */
  restore(row: RowText, id: string, version: string, holdUntil: Date, mover: string): Promise<void> {
    const t = this.t;
    return guarded(`restoring ticket ${id}`, async () => {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const { list, select, params } = selectFromText(await liveColumns(client, t.table), row);
        await client.query(`INSERT INTO ${t.table} (${list}) OVERRIDING SYSTEM VALUE SELECT ${select}`, params);
        await client.query(
          `INSERT INTO ${LEDGER} (ticket_key, version, state, at, hold_until, mover)
           VALUES ($1, $2, 'restored', now(), $3, $4)
           ON CONFLICT (ticket_key) DO UPDATE SET version = EXCLUDED.version, state = 'restored', at = now(),
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
