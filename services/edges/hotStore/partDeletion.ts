// The parts' side of a move's delete (deletion.ts), inside its transaction once the roots are locked: each part's
// rows locked (never waiting: the lock function skips rows a business transaction holds) and read again under the
// copied parents, so a ticket is deleted only if its aggregate is the one copied (no part row added, removed or
// changed); then the part rows of those tickets deleted, leaves first. A foreign key into a part table that the spec
// does not carry and that would cascade (or set null) refuses the delete outright: it would change rows the cold
// store does not hold. One that restricts makes its ticket's delete fail, and the ticket stays hot.
import type pg from 'pg';
import { StoreRefusedError } from '../../core/errors.ts';
import { sameParts, type PartVersion } from '../../core/move/aggregate.ts';
import type { CopiedTicket, DeleteFailure } from '../../core/move/ports.ts';
import type { TableShape } from '../../core/move/tableShape.ts';
import { ROW_LOCKED } from '../../core/failureClass.ts';
import { PARTS_CHANGED } from '../../core/move/outcome.ts';
import { carried, childrenOf, deleteOrder, onTable } from '../../core/spec/partPlan.ts';
import type { ColumnTypes } from './columnTypes.ts';
import { copiedTicketOf, parentKeys, partVersions, rowsOf } from './partReads.ts';
import type { PartSql } from './partSql.ts';
import type { ReferencingKey } from './tableSql.ts';
import { quoteIdent } from '../../core/spec/identifiers.ts';
import { referencingKeys } from './tableFacts.ts';

type Client = pg.PoolClient;

/** A foreign key that cascades (or sets null) from a table of the aggregate into a part (RT's CachedGroupMembers.Via,
 * between rows of one group): the delete checks that every row it reaches is one the move deletes too. */
export interface InnerCascade {
  part: PartSql;
  fk: ReferencingKey;
  /** The parts whose table holds the referencing rows. */
  from: PartSql[];
}

/** Locks each part's table as the delete will, and checks that it still has the shape copied and no foreign key
 * that would cascade into rows the cold store does not hold; returns the cascades within the aggregate. */
export async function guardPartTables(
  client: Client,
  parts: PartSql[],
  shapes: Record<string, TableShape>,
  columnTypes: ColumnTypes,
): Promise<InnerCascade[]> {
  const inner: InnerCascade[] = [];
  for (const part of parts) {
    await client.query(`LOCK TABLE ${part.table} IN ROW EXCLUSIVE MODE`);
    await columnTypes.assertShape(client, part.table, shapes[part.path] ?? {});
    const children = childrenOf(
      parts.map((p) => p.plan),
      part.path,
    );
    const changing = (await referencingKeys(client, part.table)).filter(
      (fk) => !carried(fk, part.plan.spec.key.column, children) && !['no action', 'restrict'].includes(fk.onDelete),
    );
    for (const fk of changing) {
      const from = parts.filter((p) => onTable(fk.table)(p.plan));
      if (from.length > 0) inner.push({ part, fk, from });
    }
    const uncarried = changing.filter((fk) => !parts.some((p) => onTable(fk.table)(p.plan)));
    if (uncarried.length > 0)
      throw new StoreRefusedError(
        'postgres',
        `foreign key ${uncarried.map((k) => k.constraint).join(', ')} into part ${part.path} (${part.table}) is ON DELETE ${uncarried[0]?.onDelete} and not in the spec: deleting the part would change rows the cold store does not hold`,
        '23503',
      );
  }
  return inner;
}

/** Which of `tickets` (roots locked) still have exactly the copied parts, every part row now locked by this
 * transaction; the others fail, changed or locked. */
export async function checkParts(
  client: Client,
  parts: PartSql[],
  tickets: CopiedTicket[],
): Promise<{ ok: CopiedTicket[]; failed: DeleteFailure[] }> {
  const ticketOf = copiedTicketOf(tickets);
  let ok = tickets;
  const failed: DeleteFailure[] = [];
  const fail = (t: CopiedTicket, code: string, message: string) => {
    failed.push({ id: t.id, version: t.version, code, message });
    ok = ok.filter((o) => o.id !== t.id);
  };
  for (const part of parts) {
    const want = ok.flatMap((t) => rowsOf(t, part.path));
    const locked = await client.query<{ key: string }>(
      `SELECT l.key FROM ${part.lockFunction}($1::text[], $2::text[]) l`,
      [want.map((w) => w.key), want.map((w) => w.version)],
    );
    const lockedKeys = new Set(locked.rows.map((r) => r.key));
    const now = new Map<string, PartVersion[]>();
    for (const r of await partVersions(client, part, parentKeys(part, ok))) {
      const ticket = ticketOf.of(part, r.parent);
      if (ticket !== undefined)
        now.set(ticket, [...(now.get(ticket) ?? []), { path: part.path, key: r.key, version: r.version }]);
    }
    for (const t of ok) {
      const copied = rowsOf(t, part.path);
      if (!sameParts(copied, now.get(t.id) ?? []))
        fail(
          t,
          PARTS_CHANGED,
          `part ${part.path} of the ticket changed since the copy (a row added, removed or updated)`,
        );
      else if (copied.some((c) => !lockedKeys.has(c.key)))
        fail(t, '55P03', `${ROW_LOCKED} (a row of part ${part.path})`);
    }
  }
  return { ok, failed };
}

/** Deletes the copied part rows of `tickets`, leaves first; each statement must delete exactly those rows, and a
 * cascade within the aggregate may reach only rows the move deletes too. */
export async function deleteParts(
  client: Client,
  parts: PartSql[],
  tickets: CopiedTicket[],
  inner: InnerCascade[] = [],
): Promise<void> {
  for (const { part, fk, from } of inner) {
    const keys = tickets.flatMap((t) => rowsOf(t, part.path).map((p) => p.key));
    const deleted = new Set(from.flatMap((f) => tickets.flatMap((t) => rowsOf(t, f.path).map((p) => p.key))));
    const source = from[0] as PartSql;
    // The referencing column that holds this part's key (a key into the part's primary key: one column).
    const column = fk.columns[fk.references.indexOf(part.plan.spec.key.column)] ?? fk.columns[0] ?? '';
    const on = `r.${quoteIdent(column)} = k.key::${part.keyType}`;
    const reached = await client.query<{ key: string }>(
      `SELECT ${source.keyText('r')} AS key FROM ${source.table} r JOIN unnest($1::text[]) AS k(key) ON ${on}`,
      [keys],
    );
    const outside = reached.rows.filter((r) => !deleted.has(r.key));
    if (outside.length > 0)
      throw new StoreRefusedError(
        'postgres',
        `foreign key ${fk.constraint} (ON DELETE ${fk.onDelete}) would reach ${outside.length} rows of ${source.table} outside the aggregate (key ${outside[0]?.key}): nothing deleted`,
        '23503',
      );
  }
  for (const part of deleteOrder(parts)) {
    const keys = tickets.flatMap((t) => rowsOf(t, part.path).map((p) => p.key));
    if (keys.length === 0) continue;
    const res = await client.query(`DELETE FROM ${part.table} p WHERE ${part.key()} = ANY($1::${part.keyType}[])`, [
      keys,
    ]);
    if (res.rowCount !== keys.length)
      throw new Error(
        `deleting part ${part.path}: ${res.rowCount} rows deleted, ${keys.length} expected; nothing deleted`,
      );
  }
}

/** Rows of parts that appeared under the tickets' parents after the check (committed since: a (type, id) row has no
 * lock that makes its insert wait), read once more after the deletes, just before the commit: a ticket with such a row
 * is not deleted (the transaction rolls back), so the window in which one can be left behind is this read to the
 * commit. */
export class LatePartsError extends Error {
  constructor(readonly ids: Set<string>) {
    super(`part rows appeared under ${ids.size} tickets while they were deleted; nothing deleted`);
  }
}

export async function refuseLateParts(client: Client, parts: PartSql[], tickets: CopiedTicket[]): Promise<void> {
  const ticketOf = copiedTicketOf(tickets);
  const late = new Set<string>();
  for (const part of parts) {
    for (const r of await partVersions(client, part, parentKeys(part, tickets))) {
      const ticket = ticketOf.of(part, r.parent);
      if (ticket !== undefined) late.add(ticket);
    }
  }
  if (late.size > 0) throw new LatePartsError(late);
}
