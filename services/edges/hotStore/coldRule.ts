// The cold rule as SQL, the one place it is written: a ticket is cold when it is closed and its last operation is at
// least COLD_AFTER old, by the database's own clock, so every decision that leads to a delete is taken where the
// delete happens. Each builder takes a table alias and the placeholder ($n) that holds COLD_AFTER in milliseconds.
// The partial index on closed tickets, (last_operated_at, id) WHERE status = 'closed', serves every one of them.

/** The closed tickets: the predicate of the partial index the searches range over. */
export const closed = (t: string): string => `${t}.status = 'closed'`;

/** The instant before which a closed ticket is cold now. */
export const coldBefore = (coldAfterMs: string): string =>
  `now() - (${coldAfterMs}::bigint * interval '1 millisecond')`;

/** Cold now. */
export const coldNow = (t: string, coldAfterMs: string): string =>
  `${closed(t)} AND ${t}.last_operated_at <= ${coldBefore(coldAfterMs)}`;

/** Not held hot after a restore (few: the ledger's restored entries). */
export const notHeld = (t: string): string => `NOT EXISTS (SELECT 1 FROM public.ticket_archiver_ledger l
  WHERE l.ticket_id = ${t}.id AND l.state = 'restored' AND l.hold_until > now())`;
