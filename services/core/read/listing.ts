// The read API's lists: which tickets each one holds, in which order, and the cursor that pages through it. A list is
// one of the spec's (the tickets with one value of a column, newest first by another column) or `closed` (the tickets
// in the cold state last operated within a time range, latest first). Paging is by position (the sort key and the key
// of the last ticket seen), never by offset, so a ticket that leaves a tier between two pages (archived, restored)
// neither hides another ticket nor comes back within that tier's listing.
import { z } from 'zod';

export type Tier = 'hot' | 'cold';

/** The list of the tickets in the cold state by their activity. */
export const CLOSED = 'closed';

export interface ListFilter {
  /** A spec list: its column's value. */
  value?: string;
  /** closed: the activity within [from, to). */
  from?: string;
  to?: string;
}

/** Where a page starts: after the ticket with this sort key and key. The hot tier's sort key is PostgreSQL's text of
 * the instant (any year, BC, infinities), the cold tier's a Date's ISO 8601 text. */
export interface ListPosition {
  at: string;
  id: string;
}

export interface ListQuery {
  /** A spec list's name, or CLOSED. */
  list: string;
  tier: Tier;
  filter: ListFilter;
  limit: number;
  after?: ListPosition;
}

/** A cursor that names no page of the list asked: malformed, forged, or given out for another list or tier. */
export class CursorError extends Error {}

const cursorSchema = z.object({
  l: z.string(),
  t: z.enum(['hot', 'cold']),
  f: z.string(),
  a: z.string().max(64),
  i: z.string().min(1).max(1000),
});

// The sort keys each tier gives out (hot: hotStore/ticketReads.ts; cold: a Date's toISOString()).
const HOT_SORT_KEY = /^(?:-?infinity|\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z (?:AD|BC))$/;
const SORT_KEY: Record<Tier, (at: string) => boolean> = {
  hot: (at) => HOT_SORT_KEY.test(at),
  cold: (at) => {
    const d = new Date(at);
    return !Number.isNaN(d.getTime()) && d.toISOString() === at;
  },
};

/** The filter as one string: a cursor is valid only for the list it came from. */
function filterKey(filter: ListFilter): string {
  return [filter.value ?? '', filter.from ?? '', filter.to ?? ''].join('|');
}

export function encodeCursor(q: Pick<ListQuery, 'list' | 'tier' | 'filter'>, position: ListPosition): string {
  return Buffer.from(
    JSON.stringify({ l: q.list, t: q.tier, f: filterKey(q.filter), a: position.at, i: position.id }),
  ).toString('base64url');
}

/** The position a cursor names; CursorError when it is malformed or belongs to another list or tier. */
export function decodeCursor(text: string, q: Pick<ListQuery, 'list' | 'tier' | 'filter'>): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('not a cursor this API gave out');
  }
  const c = cursorSchema.safeParse(parsed);
  if (!c.success) throw new CursorError('not a cursor this API gave out');
  if (c.data.l !== q.list || c.data.f !== filterKey(q.filter)) throw new CursorError('belongs to another list');
  if (c.data.t !== q.tier) throw new CursorError(`belongs to the ${c.data.t} tier's listing, not the ${q.tier} one`);
  // A forged cursor's values reach no query that would refuse them.
  if (!SORT_KEY[q.tier](c.data.a)) throw new CursorError('not a cursor this API gave out');
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
