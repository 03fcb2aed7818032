// What follows a move, decided once and purely from its candidates and outcomes: which copies become archives, which
// copies go, which deletions are recorded as stuck (and which of those go to an operator), which stuck records are
// closed, and which timers are set or cleared. The move applies it (moveTickets.ts); the archiver and the reconciler
// both move through there, so the same outcome is always followed by the same steps.
import { classifyFailure, type FailureClass } from '../failureClass.ts';
import type { TicketOutcome } from './outcome.ts';
import type { ColdTimerEntry, StuckEntry, TicketVersion } from './ports.ts';

export interface Candidate {
  id: string;
  /** The version the caller last saw (an event's, a timer's), recorded if the move cannot read the ticket itself. */
  version?: string;
  /** The candidate came from a fired timer, which the move removes once the ticket's fate is settled. */
  fromTimer?: boolean;
  /** A copy of this version is known to be in the cold store (a stuck deletion, an unfinished copy). If the ticket
   * turns out not to be movable, that copy is removed so it never reads as an archive. */
  copiedVersion?: string;
  /** The ticket has a stuck-deletion record with this many attempts so far; the move closes or updates it. */
  stuckAttempts?: number;
}

/** When a stuck deletion is tried again, given its class and its attempts including this one; `escalated` leaves it
 * to an operator. The archiver schedules by class alone; the reconciler backs off and escalates (stuckSchedule.ts). */
export type StuckScheduler = (
  failureClass: FailureClass,
  attempts: number,
  now: Date,
) => { nextAttemptAt: Date; escalated: boolean };

export interface FollowUp {
  /** Copies written before this move (or kept by it) of tickets now archived: confirmed one by one. */
  markArchived: TicketVersion[];
  /** Copies this move wrote that did not become archives and stay (stuck): demoted before the commit. */
  demote: string[];
  removeCopies: TicketVersion[];
  recordStuck: StuckEntry[];
  clearStuck: string[];
  setTimers: ColdTimerEntry[];
  clearTimers: string[];
  /** Stuck deletions handed to an operator by this move. */
  escalated: Set<string>;
}

export interface FollowUpContext {
  now: Date;
  /** The tickets topic's partition of a ticket, where its timer belongs. */
  partitionOf: (id: string) => number;
  scheduleStuck: StuckScheduler;
}

const STAYS_HOT = new Set<TicketOutcome['outcome']>(['notCold', 'notDue', 'held', 'changed', 'partsChanged']);

/** A ticket whose parts changed during its move is looked at again after this long: business code is at work on it,
 * and parts send no events of their own. */
export const PARTS_SETTLE_MS = 60_000;

/** `written`: ids whose copy this move wrote (the others' copies, if any, were already there and were kept). */
export function planFollowUp(
  candidates: Candidate[],
  outcomes: TicketOutcome[],
  written: Set<string>,
  ctx: FollowUpContext,
): FollowUp {
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const plan: FollowUp = {
    markArchived: [],
    demote: [],
    removeCopies: [],
    recordStuck: [],
    clearStuck: [],
    setTimers: [],
    clearTimers: [],
    escalated: new Set(),
  };
  const removals = new Map<string, TicketVersion>();
  const remove = (id: string, version: string | undefined) => {
    if (version !== undefined) removals.set(`${id}@${version}`, { id, version });
  };

  for (const o of outcomes) {
    const candidate = byId.get(o.id);
    switch (o.outcome) {
      case 'archived':
        // A copy this move wrote becomes an archive with the move's commit; one kept from before, on its own.
        if (!written.has(o.id)) plan.markArchived.push({ id: o.id, version: o.version ?? '0' });
        break;
      case 'alreadyArchived':
        plan.markArchived.push({ id: o.id, version: o.version ?? '0' });
        break;
      case 'gone':
        if (o.archivedVersion !== undefined) plan.markArchived.push({ id: o.id, version: o.archivedVersion });
        break;
      case 'changed':
      case 'deletedByBusiness':
        // This move's own copy: the row it copied is not what leaves the hot table.
        remove(o.id, o.version);
        break;
      case 'partsChanged':
        remove(o.id, o.version);
        plan.setTimers.push({
          id: o.id,
          version: o.version ?? '0',
          dueAt: new Date(ctx.now.getTime() + PARTS_SETTLE_MS),
          partition: ctx.partitionOf(o.id),
        });
        break;
      case 'notDue':
      case 'held':
        plan.setTimers.push({
          id: o.id,
          version: o.version ?? '0',
          dueAt: new Date(Date.parse(o.retryAfter ?? '') || ctx.now.getTime()),
          partition: ctx.partitionOf(o.id),
        });
        break;
      case 'stuck': {
        const failureClass = classifyFailure(o.code, o.reason);
        const attempts = (candidate?.stuckAttempts ?? 0) + 1;
        const { nextAttemptAt, escalated } = ctx.scheduleStuck(failureClass, attempts, ctx.now);
        plan.recordStuck.push({
          id: o.id,
          version: o.version ?? '0',
          reason: o.reason ?? 'unknown',
          code: o.code ?? null,
          failureClass,
          nextAttemptAt,
          escalated,
        });
        if (written.has(o.id)) plan.demote.push(o.id);
        // Escalated: the ticket stays hot for an operator, and nothing in the cold store may read as its archive.
        if (escalated) {
          plan.escalated.add(o.id);
          remove(o.id, o.version);
        }
        break;
      }
      default:
        break;
    }

    // A copy known from before this move (a stuck deletion, an unfinished copy) that did not become the archive.
    const known = candidate?.copiedVersion;
    if (known !== undefined) {
      const staysHot = STAYS_HOT.has(o.outcome);
      const deletedByBusiness = o.outcome === 'gone' && o.archivedVersion !== known;
      const replaced = (o.outcome === 'archived' || o.outcome === 'alreadyArchived') && o.version !== known;
      if (staysHot || deletedByBusiness || replaced) remove(o.id, known);
    }

    // A stuck record ends with every outcome but another failure: archived, settled hot (a timer takes over), or gone.
    if (candidate?.stuckAttempts !== undefined && o.outcome !== 'stuck' && o.outcome !== 'wouldMove')
      plan.clearStuck.push(o.id);

    // A fired timer ends with every final outcome (a stuck deletion is the reconciler's from now on); notDue and held
    // set theirs again above. Timers of event-driven moves are left to fire and be removed then (lazy cancellation).
    if (candidate?.fromTimer && o.outcome !== 'notDue' && o.outcome !== 'held' && o.outcome !== 'wouldMove')
      plan.clearTimers.push(o.id);
  }
  plan.removeCopies = [...removals.values()];
  return plan;
}
