// One move of a batch of candidate tickets: re-read, copy, delete what is unchanged, settle every other case.
// The archiver (from events and timers) and the reconciler (stuck deletions, sweep) both move through here.
import type { Logger } from 'pino';
import { toColdDocument } from './coldDocument.ts';
import type { ColdTickets } from './coldTickets.ts';
import { classifyFailure } from './failureClass.ts';
import { TableShapeChangedError, type HotTickets, type TicketVersion } from './hotTickets.ts';
import { classifyUndeleted, classifyUnread, type TicketOutcome } from './outcome.ts';

/** Schema changes are rare; a move that keeps meeting one gives up and lets its caller retry later. */
const MAX_SHAPE_ATTEMPTS = 3;

export interface MoveDeps {
  hot: HotTickets;
  cold: ColdTickets;
  /** Who moves (instance name), recorded in the ledger and the cold document. */
  mover: string;
  lockTimeoutMs: number;
  coldAfterMs: number;
  dryRun: boolean;
  now: () => Date;
  log: Logger;
  /** The partition a ticket's timer belongs to. */
  partitionOf: (id: string) => number;
  /** When a stuck deletion should be tried again, given its failure class. */
  nextAttemptAt: (failureClass: 'transient' | 'permanent', now: Date) => Date;
}

export interface Candidate {
  id: string;
  /** The candidate came from a fired timer, which the move removes once the ticket's fate is settled. */
  fromTimer?: boolean;
  /** A copy of this version is known to be in the cold store (a stuck deletion, an unfinished copy). If the ticket
   * turns out not to be movable, that copy is removed so it never reads as an archive. */
  copiedVersion?: string;
}

/**
 * Moves the candidates. Throws only when a store is unreachable before anything irreversible happened for the
 * batch (the caller retries the whole batch; every step is idempotent). Per-ticket problems become outcomes.
 */
export async function moveTickets(d: MoveDeps, candidates: Candidate[], attempt = 1): Promise<TicketOutcome[]> {
  const ids = [...new Set(candidates.map((c) => c.id))];
  if (ids.length === 0) return [];
  const { rows, columns } = await d.hot.readColdRows(ids);
  const readIds = new Set(rows.map((r) => r.id as string));
  const unread = ids.filter((id) => !readIds.has(id));
  const outcomes: TicketOutcome[] = [];

  if (unread.length > 0) {
    const [states, ledger] = await Promise.all([d.hot.readStates(unread), d.hot.readLedger(unread)]);
    outcomes.push(...unread.map((id) => classifyUnread(id, states.get(id), ledger.get(id), d.coldAfterMs)));
  }

  if (d.dryRun) {
    outcomes.push(...rows.map((r) => ({ id: r.id as string, version: r.version as string, outcome: 'wouldMove' as const })));
    return outcomes;
  }

  if (rows.length > 0) {
    const now = d.now();
    // 1. Copy first: a hot row is deleted only once its copy is durable (majority write concern).
    const docs = rows.map((r) => toColdDocument(r, columns, d.mover, now));
    const { refused } = await d.cold.writeCopies(docs);
    // A refused copy: the row stays hot, recorded as a permanent stuck move for an operator.
    outcomes.push(
      ...rows
        .filter((r) => refused.has(r.id as string))
        .map((r) => ({ id: r.id as string, version: r.version as string, outcome: 'stuck' as const, reason: refused.get(r.id as string), code: 'COLD_REFUSED' })),
    );
    const copied: TicketVersion[] = rows.filter((r) => !refused.has(r.id as string)).map((r) => ({ id: r.id as string, version: r.version as string }));

    // 2. Delete what is still cold, unchanged and unlocked; never wait for a business transaction.
    let result: Awaited<ReturnType<HotTickets['deleteUnchanged']>>;
    try {
      result = await d.hot.deleteUnchanged(copied, columns, d.mover, d.lockTimeoutMs);
    } catch (err) {
      // ALTER TABLE between copy and delete: nothing was deleted; copy the rows again in their new shape.
      if (!(err instanceof TableShapeChangedError) || attempt >= MAX_SHAPE_ATTEMPTS) throw err;
      d.log.warn({ err: err.message, tickets: copied.length }, 'table changed shape during a move; copying again');
      return moveTickets(d, candidates, attempt + 1);
    }
    const { deleted, failed } = result;
    const deletedIds = new Set(deleted.map((t) => t.id));
    outcomes.push(...deleted.map((t) => ({ ...t, outcome: 'archived' as const })));

    // 3. Everything copied but not deleted: find out why, at this moment.
    const undeleted = copied.filter((c) => !deletedIds.has(c.id));
    if (undeleted.length > 0) {
      const uids = undeleted.map((c) => c.id);
      const [states, ledger] = await Promise.all([d.hot.readStates(uids), d.hot.readLedger(uids)]);
      const failures = new Map(failed.map((f) => [f.id, f]));
      outcomes.push(...undeleted.map((c) => classifyUndeleted(c, states.get(c.id), ledger.get(c.id), failures.get(c.id))));
    }
  }
  await settle(d, outcomes, new Set(candidates.filter((c) => c.fromTimer).map((c) => c.id)));
  await removeKnownCopies(d, candidates, outcomes);
  return outcomes;
}

/**
 * Copies known from before this move (stuck deletions, unfinished copies) of tickets that stay hot or were deleted by
 * the business are removed, each at its own version; an archive is never touched.
 */
async function removeKnownCopies(d: MoveDeps, candidates: Candidate[], outcomes: TicketOutcome[]): Promise<void> {
  const known = new Map(candidates.filter((c) => c.copiedVersion).map((c) => [c.id, c.copiedVersion as string]));
  if (known.size === 0) return;
  const stale: TicketVersion[] = [];
  for (const o of outcomes) {
    const version = known.get(o.id);
    if (version === undefined) continue;
    const staysHot = o.outcome === 'notCold' || o.outcome === 'notDue' || o.outcome === 'held' || o.outcome === 'changed';
    const deletedByBusiness = o.outcome === 'gone' && o.archivedVersion !== version;
    const replaced = (o.outcome === 'archived' || o.outcome === 'alreadyArchived') && o.version !== version;
    if (staysHot || deletedByBusiness || replaced) stale.push({ id: o.id, version });
  }
  await d.cold.removeCopies(stale);
}

/** Applies what each outcome requires in the cold store. Every step is idempotent. */
async function settle(d: MoveDeps, outcomes: TicketOutcome[], fired: Set<string>): Promise<void> {
  const now = d.now();
  const pick = (...kinds: TicketOutcome['outcome'][]) => outcomes.filter((o) => kinds.includes(o.outcome));
  const tv = (o: TicketOutcome): TicketVersion => ({ id: o.id, version: o.version ?? '0' });

  const confirmed = [
    ...pick('archived', 'alreadyArchived').map(tv),
    ...pick('gone').filter((o) => o.archivedVersion).map((o) => ({ id: o.id, version: o.archivedVersion as string })),
  ];
  await d.cold.markArchived(confirmed, now);
  await d.cold.removeCopies([...pick('changed', 'deletedByBusiness').map(tv)]);

  const stuck = pick('stuck');
  await d.cold.recordStuck(
    stuck.map((o) => {
      const failureClass = classifyFailure(o.code, o.reason);
      return { ...tv(o), reason: o.reason ?? 'unknown', code: o.code ?? null, failureClass, nextAttemptAt: d.nextAttemptAt(failureClass, now) };
    }),
    now,
  );
  await d.cold.clearStuck(pick('archived', 'alreadyArchived', 'changed', 'deletedByBusiness', 'notCold', 'gone').map((o) => o.id));

  const later = pick('notDue', 'held');
  await d.cold.setTimers(
    later.map((o) => ({ id: o.id, version: o.version ?? '0', dueAt: new Date(Date.parse(o.retryAfter ?? '') || now.getTime()), partition: d.partitionOf(o.id) })),
    now,
  );
  // A fired timer ends with every final outcome (a stuck deletion is the reconciler's from now on); notDue and held
  // replaced theirs above. Timers of event-driven moves are left to fire and be removed then (lazy cancellation).
  await d.cold.clearTimersOf(outcomes.filter((o) => fired.has(o.id) && o.outcome !== 'notDue' && o.outcome !== 'held' && o.outcome !== 'wouldMove').map((o) => o.id));

  for (const o of outcomes) {
    const entry = { ticketId: o.id, ticketVersion: o.version ?? o.archivedVersion, outcome: o.outcome, ...(o.reason ? { reason: o.reason } : {}) };
    if (o.outcome === 'stuck') d.log.warn(entry, 'deletion stuck; recorded for the reconciler');
    else d.log.debug(entry, 'move outcome');
  }
}
