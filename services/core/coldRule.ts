// The cold rule of the brief: a ticket is cold when it is closed and its last agent operation is older than
// COLD_AFTER. Pure: the caller compares with its own clock reading, so the rule is tested without waiting.

export interface ColdRuleInput {
  status: string;
  /** Epoch milliseconds of last_operated_at. */
  lastOperatedAtMs: number;
}

/** The instant the ticket turns cold, or undefined when it never will in its current state (not closed). */
export function coldAt(ticket: ColdRuleInput, coldAfterMs: number): number | undefined {
  return ticket.status === 'closed' ? ticket.lastOperatedAtMs + coldAfterMs : undefined;
}
