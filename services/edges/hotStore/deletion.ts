// The delete of a move: only rows still at the copied version, still cold and not held, never waiting on a business
// transaction's lock, each recorded in the ledger in the same transaction. Two statements: the rows are locked first,
// then deleted under a new snapshot. While a ticket's row is locked no row referencing it can be added (a foreign key's
// check locks the ticket's row), and the delete's snapshot sees every such row committed before the lock: a ticket
// another table references is never deleted, so no delete is refused by a foreign key or cascades into rows the cold
// store does not hold.
import type pg from 'pg';
import { TableShapeChangedError } from '../../core/errors.ts';
import type { CopiedTicket, DeleteFailure, TicketVersion } from '../../core/move/ports.ts';
import type { TableShape } from '../../core/move/tableShape.ts';
import type { ColumnTypes } from './columnTypes.ts';
import { PARTS_CHANGED } from '../../core/move/outcome.ts';
import { checkParts, deleteParts, guardPartTables, LatePartsError, refuseLateParts } from './partDeletion.ts';
import { LOCK_FUNCTION } from './specObjects.ts';
import { referencingKeys } from './tableFacts.ts';
import { LEDGER, type TableSql } from './tableSql.ts';

export interface DeleteContext {
  pool: pg.Pool;
  columnTypes: ColumnTypes;
  table: TableSql;
  coldAfterMs: number;
}

/** The shapes a copy was made in: the root table's and each part's. */
export interface CopiedShape {
  root: TableShape;
  parts?: Record<string, TableShape>;
}

/**
 * Deletes each ticket only if it is still at the copied version, still cold and not held, and records it in the
 * ledger in the same transaction. Rows locked by another transaction are skipped (never waited for). When the
 * statement fails as a whole (a foreign key refuses one row, a lock or statement timeout), rows are retried one by
 * one so a single bad row cannot hold up the others; each failure is returned with its SQLSTATE.
 */
export async function deleteUnchanged(
  c: DeleteContext,
  copied: CopiedTicket[],
  shape: CopiedShape,
  mover: string,
  lockTimeoutMs: number,
): Promise<{ deleted: TicketVersion[]; failed: DeleteFailure[] }> {
  if (copied.length === 0) return { deleted: [], failed: [] };
  try {
    return await deleteGroup(c, copied, shape, mover, lockTimeoutMs);
  } catch (err) {
    if (err instanceof LatePartsError) {
      // Those stay hot (their copies go; a timer looks again); the others are deleted without them.
      const rest = await deleteUnchanged(
        c,
        copied.filter((x) => !err.ids.has(x.id)),
        shape,
        mover,
        lockTimeoutMs,
      );
      return { deleted: rest.deleted, failed: [...rest.failed, ...lateFailures(copied, err)] };
    }
    if (err instanceof TableShapeChangedError) throw err;
    if (copied.length === 1) return { deleted: [], failed: [failure(copied[0] as TicketVersion, err)] };
  }
  const deleted: TicketVersion[] = [];
  const failed: DeleteFailure[] = [];
  for (const one of copied) {
    try {
      const result = await deleteGroup(c, [one], shape, mover, lockTimeoutMs);
      deleted.push(...result.deleted);
      failed.push(...result.failed);
    } catch (err) {
      if (err instanceof TableShapeChangedError) throw err;
      if (err instanceof LatePartsError) failed.push(...lateFailures([one], err));
      else failed.push(failure(one, err));
    }
  }
  return { deleted, failed };
}

async function deleteGroup(
  c: DeleteContext,
  copied: CopiedTicket[],
  shape: CopiedShape,
  mover: string,
  lockTimeoutMs: number,
): Promise<{ deleted: TicketVersion[]; failed: DeleteFailure[] }> {
  const client = await c.pool.connect();
  let broken = false;
  try {
    // One round trip for the four (a move is bound by its round trips, not by the database's work). The lock the
    // DELETE takes anyway, taken first: from here no ALTER TABLE can commit until this transaction ends, and the
    // next statement's snapshot sees any that committed before. A column added with a default does not change a
    // row's version, so the version check alone would delete rows whose copies lack the column.
    await client.query(
      `BEGIN; SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))};
       SET LOCAL statement_timeout = ${Math.max(1000, Math.floor(lockTimeoutMs * 20))};
       LOCK TABLE ${c.table.table} IN ROW EXCLUSIVE MODE`,
    );
    // A foreign key added since the mover started (ALTER TABLE ... ADD FOREIGN KEY waits for this lock) is checked too:
    // the keys are read now, under the lock, so a key that would cascade into rows the cold store does not hold always
    // holds its tickets back.
    const t = c.table.withReferencing(await referencingKeys(client, c.table.table));
    await c.columnTypes.assertShape(client, t.table, shape.root);
    const parts = t.parts;
    const inner = parts.length > 0 ? await guardPartTables(client, parts, shape.parts ?? {}, c.columnTypes) : [];
    // The rows copied, locked unless a business transaction holds them (the movers' role may not lock rows itself:
    // specObjects.ts lends it this one lock). Never waits for a row lock.
    const locked = await client.query<{ key: string; version: string }>(
      `SELECT l.key, l.version FROM ${LOCK_FUNCTION}($1::text[], $2::text[]) AS l`,
      [copied.map((x) => x.id), copied.map((x) => x.version)],
    );
    let movable = locked.rows.map((r) => ({ key: r.key, version: r.version }));
    // At the copied version, still cold, unreferenced and not held: what the DELETE checks (of c(key, version)).
    const stillDeletable = `${t.key()} = c.key::${t.keyType} AND ${t.version()} = c.version AND ${t.coldNow('$3')} AND ${t.notHeld()}`;
    let failed: DeleteFailure[] = [];
    if (parts.length > 0 && movable.length > 0) {
      // The roots still deletable (the DELETE's own condition, checked first: their parts go before them), then
      // their parts unchanged and locked, deleted leaves first.
      const deletable = await client.query<{ key: string }>(
        `SELECT ${t.keyText()} AS key FROM ${t.table} t, unnest($1::text[], $2::text[]) AS c(key, version)
          WHERE ${stillDeletable}`,
        [movable.map((r) => r.key), movable.map((r) => r.version), c.coldAfterMs],
      );
      const keys = new Set(deletable.rows.map((r) => r.key));
      const checked = await checkParts(
        client,
        parts,
        copied.filter((x) => keys.has(x.id)),
      );
      failed = checked.failed;
      await deleteParts(client, parts, checked.ok, inner);
      const ok = new Set(checked.ok.map((x) => x.id));
      movable = movable.filter((r) => ok.has(r.key));
    }
    if (movable.length === 0) {
      await client.query('COMMIT');
      return { deleted: [], failed };
    }
    // Then deleted if still cold, unreferenced and not held.
    const res = await client.query<{ id: string; version: string }>(
      `WITH deleted AS (
         DELETE FROM ${t.table} t USING unnest($1::text[], $2::text[]) AS c(key, version) WHERE ${stillDeletable}
         RETURNING ${t.keyText()} AS id, c.version AS version
       ), recorded AS (
         INSERT INTO ${LEDGER} (ticket_key, version, state, at, hold_until, mover)
         SELECT id, version, 'archived', now(), NULL, $4 FROM deleted
         ON CONFLICT (ticket_key) DO UPDATE
           SET version = EXCLUDED.version, state = 'archived', at = now(), hold_until = NULL, mover = EXCLUDED.mover
       )
       SELECT id, version FROM deleted`,
      [movable.map((r) => r.key), movable.map((r) => r.version), c.coldAfterMs, mover],
    );
    // A ticket whose parts went must go too, or none of the group does.
    if (parts.length > 0 && res.rows.length !== movable.length)
      throw new Error(`${movable.length - res.rows.length} tickets not deleted after their parts; nothing deleted`);
    if (parts.length > 0) {
      const gone = new Set(res.rows.map((r) => r.id));
      await refuseLateParts(
        client,
        parts,
        copied.filter((x) => gone.has(x.id)),
      );
    }
    await client.query('COMMIT');
    return { deleted: res.rows, failed };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

const lateFailures = (copied: CopiedTicket[], err: LatePartsError): DeleteFailure[] =>
  copied
    .filter((x) => err.ids.has(x.id))
    .map((x) => ({
      id: x.id,
      version: x.version,
      code: PARTS_CHANGED,
      message: 'a part row appeared while the ticket was deleted',
    }));

function failure(t: TicketVersion, err: unknown): DeleteFailure {
  const e = err as { code?: string; message?: string };
  return { id: t.id, version: t.version, code: e.code, message: e.message ?? String(err) };
}
