// The delete of a move: only rows still at the copied version, still cold and not held, never waiting on a business
// transaction's lock, each recorded in the ledger in the same transaction.
import type pg from 'pg';
import { TableShapeChangedError } from '../../core/errors.ts';
import type { DeleteFailure, TicketVersion } from '../../core/move/ports.ts';
import { shapeDifference, type TableShape } from '../../core/move/tableShape.ts';
import { coldNow, notHeld } from './coldRule.ts';
import type { ColumnTypes } from './columnTypes.ts';

export interface DeleteContext {
  pool: pg.Pool;
  columnTypes: ColumnTypes;
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
    await client.query('LOCK TABLE public.tickets IN ROW EXCLUSIVE MODE');
    // Described the way the copy's re-read was (result fields), so both sides name types alike.
    const current = await client.query('SELECT * FROM public.tickets LIMIT 0');
    const changed = shapeDifference(shape, await c.columnTypes.of(current.fields));
    if (changed.length > 0)
      throw new TableShapeChangedError(`public.tickets changed shape since the copy (columns: ${changed.join(', ')})`);
    const res = await client.query<{ id: string; version: string }>(
      // The rows copied, locked unless a business transaction holds them (migration 006: the movers' role may not
      // lock rows itself); then deleted if still cold and not held. Never waits for a row lock.
      `WITH claimed AS (
         SELECT l.id, l.version FROM public.ticket_archiver_lock_copied($1::bigint[], $3::bigint[]) AS l
       ), deleted AS (
         DELETE FROM public.tickets t USING claimed c
          WHERE t.id = c.id AND t.version = c.version AND ${coldNow('t', '$2')} AND ${notHeld('t')}
         RETURNING t.id, t.version
       ), recorded AS (
         INSERT INTO public.ticket_archiver_ledger (ticket_id, version, state, at, hold_until, mover)
         SELECT id, version, 'archived', now(), NULL, $4 FROM deleted
         ON CONFLICT (ticket_id) DO UPDATE
           SET version = EXCLUDED.version, state = 'archived', at = now(), hold_until = NULL, mover = EXCLUDED.mover
       )
       SELECT id, version FROM deleted`,
      [copied.map((t) => t.id), c.coldAfterMs, copied.map((t) => t.version), mover],
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

function failure(t: TicketVersion, err: unknown): DeleteFailure {
  const e = err as { code?: string; message?: string };
  return { id: t.id, version: t.version, code: e.code, message: e.message ?? String(err) };
}
