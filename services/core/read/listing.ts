// The read API's lists: which tickets each one holds, in which order, and the cursor that pages through it. Paging is
// by position (the sort key and the id of the last ticket seen), never by offset, so a ticket that leaves a tier between
// two pages (archived, restored) neither hides another ticket nor comes back within that tier's listing.
import { z } from 'zod';
import { bigintText } from './bigintText.ts';

export const LIST_VIEWS = ['unassigned', 'operator', 'operatorGroup', 'customer', 'closed'] as const;
export type ListView = (typeof LIST_VIEWS)[number];
export type Tier = 'hot' | 'cold';
export type TicketStatus = 'unassigned' | 'in_progress' | 'closed';

/** The sort of each list: the column and its direction; the id breaks ties the same way. */
export const LIST_ORDER: Record<ListView, { column: 'created_at' | 'last_operated_at'; descending: boolean }> = {
  unassigned: { column: 'created_at', descending: false },
  operator: { column: 'last_operated_at', descending: true },
  operatorGroup: { column: 'last_operated_at', descending: true },
  customer: { column: 'created_at', descending: true },
  closed: { column: 'last_operated_at', descending: true },
};

export interface ListFilter {
  /** operator: last_operator_id; operatorGroup: last_operator_group_id; customer: customer_id. */
  ownerId?: string;
  status?: TicketStatus;
  /** closed: last_operated_at within [from, to). */
  from?: string;
  to?: string;
}

/** Where a page starts: after the ticket with this sort key (the tier's own text of it) and id. */
export interface ListPosition {
  at: string;
  id: string;
}

export interface ListQuery {
  view: ListView;
  tier: Tier;
  filter: ListFilter;
  limit: number;
  after?: ListPosition;
}

/** A cursor that names no page of the list asked: malformed, forged, or given out for another list or tier. */
export class CursorError extends Error {}

const cursorSchema = z.object({
  v: z.enum(LIST_VIEWS),
  t: z.enum(['hot', 'cold']),
  f: z.string(),
  a: z.string().min(1),
  // Within bigint's range: a forged cursor's id reaches no query that would refuse it.
  i: z.string().regex(bigintText),
});

/** The filter as one string: a cursor is valid only for the list it came from. */
function filterKey(filter: ListFilter): string {
  return [filter.ownerId ?? '', filter.status ?? '', filter.from ?? '', filter.to ?? ''].join('|');
}

export function encodeCursor(q: Pick<ListQuery, 'view' | 'tier' | 'filter'>, position: ListPosition): string {
  return Buffer.from(
    JSON.stringify({ v: q.view, t: q.tier, f: filterKey(q.filter), a: position.at, i: position.id }),
  ).toString('base64url');
}

/** The position a cursor names; CursorError when it is malformed or belongs to another list or tier. */
export function decodeCursor(text: string, q: Pick<ListQuery, 'view' | 'tier' | 'filter'>): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('not a cursor this API gave out');
  }
  const c = cursorSchema.safeParse(parsed);
  if (!c.success) throw new CursorError('not a cursor this API gave out');
  if (c.data.v !== q.view || c.data.f !== filterKey(q.filter)) throw new CursorError('belongs to another list');
  if (c.data.t !== q.tier) throw new CursorError(`belongs to the ${c.data.t} tier's listing, not the ${q.tier} one`);
  return { at: c.data.a, id: c.data.i };
}

/** A page from `rows` fetched with limit + 1: the next cursor exists only when there was one more. `keep` drops rows
 * that are not to be shown (a cold copy that is not an archive) without moving the cursor back. */
export function pageOf<R>(
  q: ListQuery,
  rows: R[],
  positionOf: (row: R) => ListPosition,
  keep: (row: R) => boolean = () => true,
): { rows: R[]; nextCursor: string | null } {
  const more = rows.length > q.limit;
  const seen = rows.slice(0, q.limit);
  const last = seen.at(-1);
  return { rows: seen.filter(keep), nextCursor: more && last ? encodeCursor(q, positionOf(last)) : null };
}
