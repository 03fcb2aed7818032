// The decisions of a move, as plain functions over plain data: what each ticket's result was (followUp.ts decides
// what must follow from it).
import { coldAt } from '../coldRule.ts';
import { ROW_LOCKED } from '../failureClass.ts';
import { LATEST_DATE_MS, pgTimestampMs } from '../timestamps.ts';
import type { DeleteFailure, HotState, LedgerEntry, TicketVersion } from './ports.ts';

export type MoveOutcome =
  /** Copied and its hot row deleted by this move. */
  | 'archived'
  /** Its hot row was already deleted by a mover (the ledger says so): the copy is confirmed as the archive. */
  | 'alreadyArchived'
  /** Changed, reopened or held between the re-read and the delete: stays hot, the copy is removed. */
  | 'changed'
  /** A part row was added, removed or changed between the re-read and the delete (the root was not): stays hot, the
   * copy is removed, and a timer moves it again a little later (parts send no events). */
  | 'partsChanged'
  /** Deleted by business code, not by a mover: no archive, the copy is removed. */
  | 'deletedByBusiness'
  /** Cold and unchanged but the delete did not succeed: recorded as a stuck deletion for the reconciler. */
  | 'stuck'
  /** At re-read: not closed any more. */
  | 'notCold'
  /** At re-read: closed but not yet cold by the database's clock; its timer is set again. */
  | 'notDue'
  /** At re-read: restored recently and held hot; its timer is set to the end of the hold. */
  | 'held'
  /** At re-read: no hot row (archived before, or deleted). */
  | 'gone'
  /** Dry run: would have been moved. */
  | 'wouldMove';

/** The delete's failure code of a ticket whose parts are not the ones copied. */
export const PARTS_CHANGED = 'PARTS_CHANGED';

export interface TicketOutcome {
  id: string;
  version?: string;
  outcome: MoveOutcome;
  reason?: string;
  code?: string | null;
  /** For notDue / held: when to look again (ISO text from the database). */
  retryAfter?: string;
  /** For gone with a ledger entry: the archived version to confirm. */
  archivedVersion?: string;
  /** For stuck: left for an operator after repeated permanent failures (never retried by itself again). */
  escalated?: boolean;
}

/** A candidate that the re-read did not return as movable. */
export function classifyUnread(
  id: string,
  state: HotState | undefined,
  ledger: LedgerEntry | undefined,
  coldAfterMs: number,
): TicketOutcome {
  if (!state) {
    return ledger?.state === 'archived'
      ? { id, outcome: 'gone', archivedVersion: ledger.version }
      : { id, outcome: 'gone' };
  }
  if (state.heldUntil !== null) return { id, version: state.version, outcome: 'held', retryAfter: state.heldUntil };
  if (!state.closed) return { id, version: state.version, outcome: 'notCold' };
  if (!state.cold) {
    // Due beyond a Date's range ('infinity'): the latest instant a timer can hold, so it never fires.
    const cold = coldAt({ closed: true, lastOperatedAtMs: pgTimestampMs(state.lastOperatedAt) }, coldAfterMs) ?? NaN;
    const due = new Date(Math.min(cold, LATEST_DATE_MS));
    return {
      id,
      version: state.version,
      outcome: 'notDue',
      retryAfter: (Number.isNaN(due.getTime()) ? new Date(0) : due).toISOString(),
    };
  }
  // Cold now but missed by the re-read a moment ago (it turned cold in between): look again at once.
  return { id, version: state.version, outcome: 'notDue', retryAfter: new Date(0).toISOString() };
}

/** A copied ticket whose hot row the delete did not remove. */
export function classifyUndeleted(
  copied: TicketVersion,
  state: HotState | undefined,
  ledger: LedgerEntry | undefined,
  failure: DeleteFailure | undefined,
): TicketOutcome {
  const base = { id: copied.id, version: copied.version };
  if (state && state.version === copied.version && state.cold && state.heldUntil === null) {
    if (failure?.code === PARTS_CHANGED) return { ...base, outcome: 'partsChanged', reason: failure.message };
    return failure
      ? { ...base, outcome: 'stuck', reason: failure.message, code: failure.code ?? null }
      : { ...base, outcome: 'stuck', reason: ROW_LOCKED, code: '55P03' };
  }
  if (state) return { ...base, outcome: 'changed' };
  if (ledger?.state === 'archived' && ledger.version === copied.version) return { ...base, outcome: 'alreadyArchived' };
  if (failure) return { ...base, outcome: 'stuck', reason: failure.message, code: failure.code ?? null };
  return { ...base, outcome: 'deletedByBusiness' };
}

export function countOutcomes(outcomes: TicketOutcome[]): Partial<Record<MoveOutcome, number>> {
  const counts: Partial<Record<MoveOutcome, number>> = {};
  for (const o of outcomes) counts[o.outcome] = (counts[o.outcome] ?? 0) + 1;
  return counts;
}
