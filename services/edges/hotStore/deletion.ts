// The delete of a move: only rows still at the copied version, still cold and not held, never waiting on a business
// transaction's lock, each recorded in the ledger in the same transaction. Two statements: the rows are locked first,
// then deleted under a new snapshot. While a ticket's row is locked no row referencing it can be added (a foreign key's
// check locks the ticket's row), and the delete's snapshot sees every such row committed before the lock: a ticket
// another table references is never deleted, so no delete is refused by a foreign key or cascades into rows the cold
// store does not hold.
import type pg from 'pg';
import { TableShapeChangedError } from '../../core/errors.ts';
import type { DeleteFailure, TicketVersion } from '../../core/move/ports.ts';
import { shapeDifference, type TableShape } from '../../core/move/tableShape.ts';
import type { ColumnTypes } from './columnTypes.ts';
import { LOCK_FUNCTION } from './specObjects.ts';
import { referencingKeys } from './tableFacts.ts';
import { LEDGER, type TableSql } from './tableSql.ts';

export interface DeleteContext {
  pool: pg.Pool;
  columnTypes: ColumnTypes;
  table: TableSql;
  coldAfterMs: number;
}

/**
 * Deletes each ticket only if it is still at the copied version, still cold and not held, and records it in the
 * ledger in the same transaction. Rows locked by another transaction are skipped (never waited for). When the
 * statement fails as a whole (a foreign key refuses one row, a lock or statement timeout), rows are retried one by
 * one so a single bad row cannot hold up the others; each failure is returned with its SQLSTATE.
 */
export async function deleteUnchanged(
  c: DeleteContext,
  copied: TicketVersion[],
  shape: TableShape,
  mover: string,
  lockTimeoutMs: number,
): Promise<{ deleted: TicketVersion[]; failed: DeleteFailure[] }> {
  if (copied.length === 0) return { deleted: [], failed: [] };
  try {
    return { deleted: await deleteGroup(c, copied, shape, mover, lockTimeoutMs), failed: [] };
  } catch (err) {
    if (err instanceof TableShapeChangedError) throw err;
    if (copied.length === 1) return { deleted: [], failed: [failure(copied[0] as TicketVersion, err)] };
  }
  const deleted: TicketVersion[] = [];
  const failed: DeleteFailure[] = [];
  for (const one of copied) {
    try {
      deleted.push(...(await deleteGroup(c, [one], shape, mover, lockTimeoutMs)));
    } catch (err) {
      if (err instanceof TableShapeChangedError) throw err;
      failed.push(failure(one, err));
    }
  }
  return { deleted, failed };
}

async function deleteGroup(
  c: DeleteContext,
  copied: TicketVersion[],
  shape: TableShape,
  mover: string,
  lockTimeoutMs: number,
): Promise<TicketVersion[]> {
  const client = await c.pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1000, Math.floor(lockTimeoutMs * 20))}`);
    // The lock the DELETE takes anyway, taken first: from here no ALTER TABLE can commit until this transaction
    // ends, and the next statement's snapshot sees any that committed before. A column added with a default does
    // not change a row's version, so the version check alone would delete rows whose copies lack the column.
    await client.query(`LOCK TABLE ${c.table.table} IN ROW EXCLUSIVE MODE`);
    // A foreign key added since the mover started (ALTER TABLE ... ADD FOREIGN KEY waits for this lock) is checked too:
    // the keys are read now, under the lock, so a key that would cascade into rows the cold store does not hold always
    // holds its tickets back.
    const referencing = await referencingKeys(client, c.table.table);
    const t = sameKeys(referencing, c.table.referencing) ? c.table : c.table.withReferencing(referencing);
    // Described the way the copy's re-read was (result fields), so both sides name types alike.
    const current = await client.query(`SELECT * FROM ${t.table} LIMIT 0`);
    const changed = shapeDifference(shape, await c.columnTypes.of(current.fields));
    if (changed.length > 0)
      throw new TableShapeChangedError(`${t.table} changed shape since the copy (columns: ${changed.join(', ')})`);
    // The rows copied, locked unless a business transaction holds them (the movers' role may not lock rows itself:
    // specObjects.ts lends it this one lock). Never waits for a row lock.
    const locked = await client.query<{ key: string; version: string }>(
      `SELECT l.key, l.version FROM ${LOCK_FUNCTION}($1::text[], $2::text[]) AS l`,
      [copied.map((x) => x.id), copied.map((x) => x.version)],
    );
    if (locked.rows.length === 0) {
      await client.query('COMMIT');
      return [];
    }
    // Then deleted if still cold, unreferenced and not held.
    const res = await client.query<{ id: string; version: string }>(
      `WITH deleted AS (
         DELETE FROM ${t.table} t USING unnest($1::text[], $2::text[]) AS c(key, version)
          WHERE ${t.key()} = c.key::${t.keyType} AND ${t.version()} = c.version AND ${t.coldNow('$3')} AND ${t.notHeld()}
         RETURNING ${t.keyText()} AS id, c.version AS version
       ), recorded AS (
         INSERT INTO ${LEDGER} (ticket_key, version, state, at, hold_until, mover)
         SELECT id, version, 'archived', now(), NULL, $4 FROM deleted
         ON CONFLICT (ticket_key) DO UPDATE
           SET version = EXCLUDED.version, state = 'archived', at = now(), hold_until = NULL, mover = EXCLUDED.mover
       )
       SELECT id, version FROM deleted`,
      [locked.rows.map((r) => r.key), locked.rows.map((r) => r.version), c.coldAfterMs, mover],
    );
    await client.query('COMMIT');
    return res.rows;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

const keyNames = (keys: Array<{ constraint: string; table: { schema: string; name: string } }>) =>
  keys.map((k) => `${k.table.schema}.${k.table.name}.${k.constraint}`).join('\n');
const sameKeys = (a: Parameters<typeof keyNames>[0], b: Parameters<typeof keyNames>[0]) => keyNames(a) === keyNames(b);

function failure(t: TicketVersion, err: unknown): DeleteFailure {
  const e = err as { code?: string; message?: string };
  return { id: t.id, version: t.version, code: e.code, message: e.message ?? String(err) };
}
