// The move, whole, in one place: re-read the candidates, copy them (each written once: moveProtocol.ts), delete what
// is still cold and unchanged, find out what happened to the rest (outcome.ts), then apply what follows (followUp.ts)
// and commit. The archiver (events, timers) and the reconciler (stuck deletions, unfinished moves, sweep) both move
// through here, over the stores' ports.
import { randomUUID } from 'node:crypto';
import { errorCode, errorMessage, isRetriable, TableShapeChangedError } from '../errors.ts';
import { toColdDocument } from './coldDocument.ts';
import { planFollowUp, type Candidate, type FollowUp, type StuckScheduler } from './followUp.ts';
import { classifyUndeleted, classifyUnread, type TicketOutcome } from './outcome.ts';
import { partsManifest } from './aggregate.ts';
import type { ColdTicketStore, CopiedTicket, HotTicketStore, MoveOrigin } from './ports.ts';

export type { Candidate } from './followUp.ts';

/** Schema changes are rare; a move that keeps meeting one gives up and lets its caller retry later. */
const MAX_SHAPE_ATTEMPTS = 3;

/** The logging a move does (pino's Logger fits): ticket id and version in every line about a ticket. */
export interface MoveLog {
  debug(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface MoveDeps {
  hot: HotTicketStore;
  cold: ColdTicketStore;
  /** Who moves (instance name), recorded in the ledger and the cold document. */
  mover: string;
  lockTimeoutMs: number;
  coldAfterMs: number;
  dryRun: boolean;
  now: () => Date;
  log: MoveLog;
  /** The partition a ticket's timer belongs to. */
  partitionOf: (id: string) => number;
  /** The columns typed beside each copy (the spec's lists and activity) and the zone of timestamps without one. */
  copy: { typed: string[]; timeZone: string };
  scheduleStuck: StuckScheduler;
}

/**
 * Moves the candidates. Throws only what retrying can cure (a store unreachable), before anything irreversible
 * happened for the batch or at a point where repeating it is harmless: the caller retries the whole batch, and every
 * step is idempotent. Per-ticket problems become outcomes; a failure that retrying cannot cure makes every candidate
 * a stuck deletion with the reason, so the caller moves on and the reconciler (then an operator) takes over.
 */
export async function moveTickets(d: MoveDeps, candidates: Candidate[], origin?: MoveOrigin): Promise<TicketOutcome[]> {
  const unique = [...new Map(candidates.map((c) => [c.id, c])).values()];
  if (unique.length === 0) return [];
  const move = { id: randomUUID(), ...(origin ? { origin } : {}) };
  let decided: Decided;
  try {
    decided = await decide(d, unique, move, 1);
  } catch (err) {
    if (isRetriable(err)) throw err;
    return recordUnmovable(d, unique, err);
  }
  return settle(d, unique, decided.outcomes, { move: move.id, written: decided.written });
}

/**
 * The candidates cannot be moved for a reason retrying cannot cure (`err`): each becomes a stuck deletion with that
 * reason (permanent, so the reconciler escalates it to an operator after a few attempts), and stays hot.
 */
export async function recordUnmovable(d: MoveDeps, candidates: Candidate[], err: unknown): Promise<TicketOutcome[]> {
  const reason = `the move failed and retrying cannot cure it: ${errorMessage(err)}`;
  d.log.error(
    { err: errorMessage(err), tickets: candidates.length },
    'move failed for a reason retrying cannot cure; its tickets are recorded as stuck',
  );
  const code = errorCode(err) ?? 'NON_RETRIABLE';
  // Whatever this move may have copied stays uncommitted: not an archive; the reconciler settles the move.
  return settle(
    d,
    candidates,
    candidates.map((c) => ({ id: c.id, version: c.version ?? c.copiedVersion, outcome: 'stuck', reason, code })),
  );
}

/** Plans and applies what follows the outcomes (and commits the move that wrote copies), and logs each ticket's.
 * Dry runs stop at the outcomes. */
async function settle(
  d: MoveDeps,
  candidates: Candidate[],
  outcomes: TicketOutcome[],
  copies?: { move: string; written: Set<string> },
): Promise<TicketOutcome[]> {
  if (d.dryRun) return outcomes;
  const written = copies?.written ?? new Set<string>();
  const followUp = planFollowUp(candidates, outcomes, written, {
    now: d.now(),
    partitionOf: d.partitionOf,
    scheduleStuck: d.scheduleStuck,
  });
  await applyFollowUp(
    d,
    followUp,
    copies,
    outcomes.filter((o) => o.outcome === 'archived' && written.has(o.id)).length,
  );
  return outcomes.map((o) => {
    const entry = {
      ticketId: o.id,
      ticketVersion: o.version ?? o.archivedVersion,
      outcome: o.outcome,
      ...(o.reason ? { reason: o.reason } : {}),
    };
    if (followUp.escalated.has(o.id)) {
      d.log.error({ ...entry, code: o.code }, 'deletion escalated to an operator after repeated permanent failures');
      return { ...o, escalated: true };
    }
    if (o.outcome === 'stuck') d.log.warn(entry, 'deletion stuck; recorded for the reconciler');
    else d.log.debug(entry, 'move outcome');
    return o;
  });
}

interface Decided {
  outcomes: TicketOutcome[];
  /** Ids whose copy this move wrote. */
  written: Set<string>;
}

/** Re-read, copy, delete, and classify every candidate. */
async function decide(
  d: MoveDeps,
  candidates: Candidate[],
  move: { id: string; origin?: MoveOrigin },
  attempt: number,
): Promise<Decided> {
  const ids = candidates.map((c) => c.id);
  const { rows, columns, readStamp, partColumns } = await d.hot.readColdRows(ids);
  const readIds = new Set(rows.map((r) => r.key));
  const unread = ids.filter((id) => !readIds.has(id));
  const outcomes: TicketOutcome[] = [];

  if (unread.length > 0) {
    const [states, ledger] = await Promise.all([d.hot.readStates(unread), d.hot.readLedger(unread)]);
    outcomes.push(...unread.map((id) => classifyUnread(id, states.get(id), ledger.get(id), d.coldAfterMs)));
  }
  if (d.dryRun) {
    outcomes.push(...rows.map((r) => ({ id: r.key, version: r.version, outcome: 'wouldMove' as const })));
    return { outcomes, written: new Set() };
  }
  if (rows.length === 0) return { outcomes, written: new Set() };

  // 1. Copy first: a hot row is deleted only once its copy is durable (majority write concern). The move is recorded
  // before its copies, so a crash leaves a move the reconciler can find and settle.
  const copiedAt = d.now();
  await d.cold.beginMove({
    ...move,
    mover: d.mover,
    startedAt: copiedAt,
    tickets: rows.map((r) => ({ id: r.key, version: r.version })),
  });
  const docs = rows.map((r) =>
    toColdDocument(r, {
      columns,
      ...d.copy,
      readStamp,
      mover: d.mover,
      now: copiedAt,
      move: move.id,
      ...(partColumns ? { partColumns } : {}),
    }),
  );
  const { kept, refused } = await d.cold.writeCopies(docs);
  // A refused copy: the row stays hot, recorded as a permanent stuck move for an operator.
  for (const r of rows) {
    const reason = refused.get(r.key);
    if (reason !== undefined)
      outcomes.push({
        id: r.key,
        version: r.version,
        outcome: 'stuck',
        reason,
        code: 'COLD_REFUSED',
      });
  }
  const copied: CopiedTicket[] = rows
    .filter((r) => !refused.has(r.key))
    .map((r) => ({ id: r.key, version: r.version, ...(r.parts ? { parts: partsManifest(r.parts) } : {}) }));

  // 2. Delete what is still cold, unchanged and unlocked; never wait for a business transaction.
  let result: Awaited<ReturnType<HotTicketStore['deleteUnchanged']>>;
  try {
    result = await d.hot.deleteUnchanged(
      copied,
      { root: columns, ...(partColumns ? { parts: partColumns } : {}) },
      d.mover,
      d.lockTimeoutMs,
    );
  } catch (err) {
    // ALTER TABLE between copy and delete: nothing was deleted; copy the rows again in their new shape.
    if (!(err instanceof TableShapeChangedError) || attempt >= MAX_SHAPE_ATTEMPTS) throw err;
    d.log.warn({ err: err.message, tickets: copied.length }, 'table changed shape during a move; copying again');
    return decide(d, candidates, move, attempt + 1);
  }
  const deletedIds = new Set(result.deleted.map((t) => t.id));
  outcomes.push(...result.deleted.map((t) => ({ ...t, outcome: 'archived' as const })));

  // 3. Everything copied but not deleted: find out why, at this moment.
  const undeleted = copied.filter((c) => !deletedIds.has(c.id));
  if (undeleted.length > 0) {
    const uids = undeleted.map((c) => c.id);
    const [states, ledger] = await Promise.all([d.hot.readStates(uids), d.hot.readLedger(uids)]);
    const failures = new Map(result.failed.map((f) => [f.id, f]));
    outcomes.push(
      ...undeleted.map((c) => classifyUndeleted(c, states.get(c.id), ledger.get(c.id), failures.get(c.id))),
    );
  }
  return { outcomes, written: new Set(copied.map((c) => c.id).filter((id) => !kept.has(id))) };
}

/** Applies the follow-up in the cold store, in an order a crash at any point leaves safe: copies that must not become
 * archives are removed or demoted before the move's commit makes the rest archives; stuck records are written before
 * the timers that led to them are cleared. Every step is idempotent. */
async function applyFollowUp(
  d: MoveDeps,
  f: FollowUp,
  copies: { move: string; written: Set<string> } | undefined,
  archived: number,
): Promise<void> {
  const now = d.now();
  await d.cold.markArchived(f.markArchived, now);
  await d.cold.removeCopies(f.removeCopies);
  if (copies && copies.written.size > 0) {
    await d.cold.demoteCopies(copies.move, f.demote);
    await d.cold.commitMove(copies.move, now, { archived, copied: copies.written.size });
  }
  await d.cold.recordStuck(f.recordStuck, now);
  await d.cold.clearStuck(f.clearStuck);
  await d.cold.setTimers(f.setTimers, now);
  await d.cold.clearTimersOf(f.clearTimers);
}
