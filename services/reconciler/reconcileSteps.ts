// The steps of a reconciler pass (reconcilePass.ts), each a search for tickets whose move did not finish, moved again
// through the shared move. Each keeps the ids it has seen, so a pass ends even when nothing it finds is settled (a
// dry run, a ticket that stays stuck).
import type { Logger } from 'pino';
import type { Candidate } from '../core/move/followUp.ts';
import type { TicketOutcome } from '../core/move/outcome.ts';
import type { MoveOrigin } from '../core/move/ports.ts';
import type { PassSummary } from '../core/passSummary.ts';
import type { ColdStore } from '../edges/coldStore/index.ts';
import type { IndexPosition, MoverHotStore } from '../edges/hotStore/index.ts';

export interface PassDeps {
  hot: MoverHotStore;
  cold: ColdStore;
  /** The movers' shared move, paced by the throttle (movers/moverKit.ts). */
  move(candidates: Candidate[], origin: MoveOrigin): Promise<TicketOutcome[]>;
  /** Decide and report only: every move stops at its decision, nothing is written. */
  dryRun: boolean;
  coldAfterMs: number;
  log: Logger;
  instance: string;
  batchSize: number;
  orphanGraceMs: number;
  freshnessTargetMs: number;
  sweepPageSize: number;
  sweepMaxPages: number;
  ledgerRetentionMs: number;
}

export type Tally = (outcomes: TicketOutcome[]) => void;

/** The next page of a search, without what was seen before (the search may return it again). */
function unseen<T>(found: T[], seen: Set<string>, key: (t: T) => string, limit: number): T[] {
  const page = found.filter((t) => !seen.has(key(t))).slice(0, limit);
  for (const t of page) seen.add(key(t));
  return page;
}

export async function retryStuck(d: PassDeps, summary: PassSummary, tally: Tally): Promise<void> {
  const seen = new Set<string>();
  for (;;) {
    const found = await d.cold.stuck.due(new Date(), d.batchSize + seen.size);
    const due = unseen(found, seen, (s) => s.ticketId, d.batchSize);
    if (due.length === 0) return;
    summary.counts.stuckRetried += due.length;
    const outcomes = await d.move(
      due.map((s) => ({ id: s.ticketId, version: s.version, copiedVersion: s.version, stuckAttempts: s.attempts })),
      { source: 'stuck' },
    );
    tally(outcomes);
    for (const o of outcomes) {
      if (o.outcome !== 'stuck') summary.counts.stuckResolved++;
      else if (o.escalated) summary.counts.escalated++;
      else summary.counts.stillStuck++;
    }
  }
}

/**
 * Moves still `copying` after ORPHAN_GRACE were interrupted (a crash, a store gone for good) between their copies and
 * their commit: their tickets go through a new move, knowing a copy of that version may be there (each ends in exactly
 * one tier; the ledger says what was already deleted), and the move is marked abandoned.
 */
export async function settleUnfinishedMoves(d: PassDeps, summary: PassSummary, tally: Tally): Promise<void> {
  const seen = new Set<string>();
  for (;;) {
    const found = await d.cold.moves.unfinished(new Date(Date.now() - d.orphanGraceMs), 20 + seen.size);
    const moves = unseen(found, seen, (m) => m.id, 20);
    if (moves.length === 0) return;
    for (const move of moves) {
      // A stuck ticket is the stuck retry's to settle.
      const stuck = await d.cold.stuck.attemptsOf(move.tickets.map((t) => t.id));
      const tickets = move.tickets.filter((t) => !stuck.has(t.id));
      for (let i = 0; i < tickets.length; i += d.batchSize) {
        const part = tickets.slice(i, i + d.batchSize);
        const candidates = part.map((t) => ({ id: t.id, version: t.version, copiedVersion: t.version }));
        tally(await d.move(candidates, { source: 'unfinished' }));
      }
      summary.counts.unfinishedCopies += tickets.length;
      if (d.dryRun) continue;
      await d.cold.moves.abandon(move.id, new Date());
      d.log.warn(
        { move: move.id, mover: move.mover, startedAt: move.startedAt, tickets: move.tickets.length },
        'settled a move interrupted before its commit',
      );
    }
  }
}

export async function finishUnfinishedCopies(d: PassDeps, summary: PassSummary, tally: Tally): Promise<void> {
  const seen = new Set<string>();
  for (;;) {
    const cutoff = new Date(Date.now() - d.orphanGraceMs);
    const found = await d.cold.copies.unfinishedCopies(cutoff, d.batchSize + seen.size);
    const copies = unseen(found, seen, (c) => c.id, d.batchSize);
    if (copies.length === 0) return;
    // The copy of a stuck deletion is the stuck retry's to settle, at its scheduled time.
    const stuck = await d.cold.stuck.attemptsOf(copies.map((c) => c.id));
    const unfinished = copies.filter((c) => !stuck.has(c.id));
    summary.counts.unfinishedCopies += unfinished.length;
    const candidates = unfinished.map((c) => ({ id: c.id, version: c.version, copiedVersion: c.version }));
    tally(await d.move(candidates, { source: 'unfinished' }));
  }
}

/** Tickets cold past the freshness target but still hot, a bounded number of pages per pass, going on from where the
 * last pass stopped. Those the page says cannot move (held back) are passed over without a move. */
export async function sweep(
  d: PassDeps,
  summary: PassSummary,
  tally: Tally,
  from: IndexPosition | undefined,
): Promise<void> {
  // Stuck tickets are the stuck retry's (escalated ones wait for an operator): sweeping them would only retry early
  // what is known to fail.
  const stuck = new Set((await d.cold.stuck.list()).map((s) => s.ticketId));
  let after = from;
  // A pass that starts part-way goes on from the beginning of the cold range once it reaches the end.
  let wrapped = from === undefined;
  for (let page = 0; page < d.sweepMaxPages; page++) {
    const rows = await d.hot.closed.coldFor(d.coldAfterMs, d.freshnessTargetMs, after, d.sweepPageSize);
    const last = rows[rows.length - 1];
    if (last) after = summary.sweptTo = { lastOperatedAt: last.lastOperatedAt, id: last.id };
    summary.counts.heldBack += rows.filter((r) => !r.movable).length;
    const ids = rows.filter((r) => r.movable && !stuck.has(r.id)).map((r) => r.id);
    summary.counts.swept += ids.length;
    for (let i = 0; i < ids.length; i += d.batchSize) {
      const outcomes = await d.move(
        ids.slice(i, i + d.batchSize).map((id) => ({ id })),
        { source: 'sweep' },
      );
      tally(outcomes);
      const moved = outcomes.filter((o) => o.outcome === 'archived').length;
      if (moved > 0) {
        d.log.warn(
          { tickets: moved },
          'sweep archived tickets the stream had not (a lost timer or a gap in the stream)',
        );
      }
    }
    if (rows.length < d.sweepPageSize) {
      // The end of the cold range: the next page (this pass's or the next pass's) starts from its beginning.
      delete summary.sweptTo;
      if (wrapped) return;
      wrapped = true;
      after = undefined;
    }
  }
}
