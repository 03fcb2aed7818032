// The cold rule of the brief: a ticket is cold when it is closed and its last agent operation is older than
// COLD_AFTER. Pure: the caller compares with its own clock reading, so the rule is tested without waiting. Wherever a
// ticket's cold instant is computed (an event's timer, a move's "not yet", the backfill's timers, status's overdue
// time) it is computed here; the database applies the same rule as SQL (edges/hotStore/coldRule.ts).

export interface ColdRuleInput {
  /** Closed: the only state in which time alone makes a ticket cold. */
  closed: boolean;
  /** Epoch milliseconds of its last operation (+-Infinity for PostgreSQL's infinities). */
  lastOperatedAtMs: number;
}

/** The instant the ticket turns cold, or undefined when it never will in its current state (not closed). */
export function coldAt(ticket: ColdRuleInput, coldAfterMs: number): number | undefined {
  return ticket.closed ? ticket.lastOperatedAtMs + coldAfterMs : undefined;
}
