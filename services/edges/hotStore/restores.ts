// Putting an archived row back into the archived table, exactly, with its restore hold in the ledger. An identity key
// generated ALWAYS is given back as it was (OVERRIDING SYSTEM VALUE); generated columns are computed again. With parts,
// the whole aggregate goes back in the same transaction, parents first.
import type pg from 'pg';
import { RestoreError } from '../../core/errors.ts';
import type { TicketParts } from '../../core/move/aggregate.ts';
import type { RowText } from '../../core/move/coldDocument.ts';
import { displayName } from '../../core/spec/identifiers.ts';
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
  restore(
    archive: { row: RowText; parts?: TicketParts },
    id: string,
    version: string,
    holdUntil: Date,
    mover: string,
  ): Promise<void> {
    const t = this.t;
    return guarded(`restoring ticket ${id}`, async () => {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const { list, select, params } = selectFromText(await liveColumns(client, t.table), archive.row);
        await client.query(`INSERT INTO ${t.table} (${list}) OVERRIDING SYSTEM VALUE SELECT ${select}`, params);
        // Then its parts, parents first, each with its original key: a key taken since fails the whole restore.
        for (const part of this.t.parts) {
          const rows = archive.parts?.[part.path] ?? [];
          if (rows.length === 0) continue;
          const columns = await liveColumns(client, part.table);
          const source = 'json_array_elements($1::json) AS r(j)';
          const { list: partList, select: partSelect } = selectFromText(columns, rows[0]?.row ?? {}, 'r.j');
          await client
            .query(
              `INSERT INTO ${part.table} (${partList}) OVERRIDING SYSTEM VALUE SELECT ${partSelect} FROM ${source}`,
              [JSON.stringify(rows.map((r) => r.row))],
            )
            .catch((err: { code?: string; detail?: string; message?: string }) => {
              if (err.code !== '23505' && err.code !== '23503') throw err;
              throw new RestoreError(
                `ticket ${id}: part ${part.path} cannot go back into ${displayName(part.plan.spec.table)}: ${(err.detail ?? err.message ?? '').replace(/\.$/, '')}; nothing was restored`,
              );
            });
        }
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
