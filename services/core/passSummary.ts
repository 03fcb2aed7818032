// What one reconciler pass did, as kept in its durable history (ticket_archive.reconcile_runs) for months.
import type { MoveOutcome } from './move/outcome.ts';

export interface PassSummary {
  _id: string;
  instance: string;
  startedAt: Date;
  endedAt: Date;
  ok: boolean;
  counts: {
    stuckRetried: number;
    stuckResolved: number;
    stillStuck: number;
    escalated: number;
    restoredLeftoversRemoved: number;
    unfinishedCopies: number;
    swept: number;
    /** Tickets the sweep passed over: cold by time, but another table references them or cold.when does not hold. */
    heldBack: number;
    ledgerPruned: number;
  };
  /** Where the sweep stopped at its page limit (the activity column's text and the key): the next pass goes on after
   * it, so tickets held back at the head of the cold range never keep the sweep from the rest. Absent when the sweep
   * reached the end of the cold range (the next pass starts again from its beginning). */
  sweptTo?: { lastOperatedAt: string; id: string };
  outcomes: Partial<Record<MoveOutcome, number>>;
  errors: string[];
}
