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
    ledgerPruned: number;
  };
  outcomes: Partial<Record<MoveOutcome, number>>;
  errors: string[];
}
