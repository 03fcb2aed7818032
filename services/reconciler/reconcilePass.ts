// One reconciler pass: retry due stuck deletions, clear restored tickets' left-over archives, settle moves interrupted
// before their commit (and left-over copies), and sweep tickets that are cold but still hot past the freshness target. Every move goes
// through moveTickets, the archiver's own move, whose follow-up plan also schedules and escalates stuck deletions.
// The summary of each pass is kept in the cold store's pass history.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { errorMessage } from '../core/errors.ts';
import type { Candidate } from '../core/move/followUp.ts';
import type { MoveOrigin } from '../core/move/ports.ts';
import type { TicketOutcome } from '../core/move/outcome.ts';
import type { PassSummary } from '../core/passSummary.ts';
import type { ColdStore } from '../edges/coldStore/index.ts';
import type { HotStore } from '../edges/hotStore/index.ts';

export type { PassSummary } from '../core/passSummary.ts';

export interface PassDeps {
  hot: HotStore;
  cold: ColdStore;
  /** The shared move (core/move/moveTickets.ts), paced by the throttle. */
  move(candidates: Candidate[], origin: MoveOrigin): Promise<TicketOutcome[]>;
  log: Logger;
  instance: string;
  batchSize: number;
  orphanGraceMs: number;
  freshnessTargetMs: number;
  sweepPageSize: number;
  sweepMaxPages: number;
  historyRetentionMs: number;
  ledgerRetentionMs: number;
}

type Tally = (outcomes: TicketOutcome[]) => void;

export async function reconcileOnce(d: PassDeps): Promise<PassSummary> {
  const summary: PassSummary = {
    _id: randomUUID(),
    instance: d.instance,
    startedAt: new Date(),
    endedAt: new Date(),
    ok: false,
    counts: {
      stuckRetried: 0,
      stuckResolved: 0,
      stillStuck: 0,
      escalated: 0,
      restoredLeftoversRemoved: 0,
      unfinishedCopies: 0,
      swept: 0,
      ledgerPruned: 0,
    },
    outcomes: {},
    errors: [],
  };
  const tally: Tally = (outcomes) => {
    for (const o of outcomes) summary.outcomes[o.outcome] = (summary.outcomes[o.outcome] ?? 0) + 1;
  };
  try {
    await retryStuck(d, summary, tally);
    summary.counts.restoredLeftoversRemoved = await d.cold.copies.removeAnyCopies(
      await d.hot.restores.restoredTickets(),
    );
    await settleUnfinishedMoves(d, summary, tally);
    await finishUnfinishedCopies(d, summary, tally);
    await sweep(d, summary, tally);
    // The evidence of old archives is in the cold store; the hot ledger keeps LEDGER_RETENTION of it.
    summary.counts.ledgerPruned = await d.hot.ledger.prune(d.ledgerRetentionMs, 100_000);
    summary.ok = true;
  } catch (err) {
    summary.errors.push(errorMessage(err));
    d.log.error({ err: errorMessage(err) }, 'reconcile pass failed');
  } finally {
    summary.endedAt = new Date();
    await d.cold.runs
      .record(summary)
      .catch((err: unknown) => d.log.error({ err: errorMessage(err) }, 'could not record the pass summary'));
    await d.cold.progress
      .record({
        _id: `${d.instance}/${summary._id}`,
        at: summary.startedAt,
        instance: d.instance,
        role: 'reconciler',
        moves: { ...summary.outcomes },
        stuckRecorded: summary.outcomes.stuck ?? 0,
        deadLettered: 0,
        batches: { count: 1, seconds: (summary.endedAt.getTime() - summary.startedAt.getTime()) / 1000 },
        expireAt: new Date(summary.startedAt.getTime() + d.historyRetentionMs),
      })
      .catch((err: unknown) => d.log.warn({ err: errorMessage(err) }, 'could not record the pass in the history'));
  }
  d.log.info(
    { runId: summary._id, ok: summary.ok, counts: summary.counts, outcomes: summary.outcomes },
    'reconcile pass finished',
  );
  return summary;
}

async function retryStuck(d: PassDeps, summary: PassSummary, tally: Tally): Promise<void> {
  const seen = new Set<string>();
  for (;;) {
    const due = (await d.cold.stuck.due(new Date(), d.batchSize + seen.size))
      .filter((s) => !seen.has(s.ticketId))
      .slice(0, d.batchSize);
    if (due.length === 0) return;
    for (const s of due) seen.add(s.ticketId);
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
async function settleUnfinishedMoves(d: PassDeps, summary: PassSummary, tally: Tally): Promise<void> {
  for (;;) {
    const moves = await d.cold.moves.unfinished(new Date(Date.now() - d.orphanGraceMs), 20);
    if (moves.length === 0) return;
    for (const move of moves) {
      // A stuck ticket is the stuck retry's to settle.
      const stuck = await d.cold.stuck.attemptsOf(move.tickets.map((t) => t.id));
      const tickets = move.tickets.filter((t) => !stuck.has(t.id));
      for (let i = 0; i < tickets.length; i += d.batchSize) {
        const part = tickets.slice(i, i + d.batchSize);
        tally(
          await d.move(
            part.map((t) => ({ id: t.id, version: t.version, copiedVersion: t.version })),
            { source: 'unfinished' },
          ),
        );
      }
      summary.counts.unfinishedCopies += tickets.length;
      await d.cold.moves.abandon(move.id, new Date());
      d.log.warn(
        { move: move.id, mover: move.mover, startedAt: move.startedAt, tickets: move.tickets.length },
        'settled a move interrupted before its commit',
      );
    }
  }
}

async function finishUnfinishedCopies(d: PassDeps, summary: PassSummary, tally: Tally): Promise<void> {
  const seen = new Set<string>();
  for (;;) {
    const cutoff = new Date(Date.now() - d.orphanGraceMs);
    const copies = (await d.cold.copies.unfinishedCopies(cutoff, d.batchSize + seen.size))
      .filter((c) => !seen.has(c.id))
      .slice(0, d.batchSize);
    if (copies.length === 0) return;
    for (const c of copies) seen.add(c.id);
    // The copy of a stuck deletion is the stuck retry's to settle, at its scheduled time.
    const stuck = await d.cold.stuck.attemptsOf(copies.map((c) => c.id));
    const unfinished = copies.filter((c) => !stuck.has(c.id));
    summary.counts.unfinishedCopies += unfinished.length;
    tally(
      await d.move(
        unfinished.map((c) => ({ id: c.id, version: c.version, copiedVersion: c.version })),
        { source: 'unfinished' },
      ),
    );
  }
}

async function sweep(d: PassDeps, summary: PassSummary, tally: Tally): Promise<void> {
  // Stuck tickets are the stuck retry's (escalated ones wait for an operator): sweeping them would only retry early
  // what is known to fail.
  const stuck = new Set((await d.cold.stuck.list()).map((s) => s.ticketId));
  let after: { lastOperatedAt: string; id: string } | undefined;
  for (let page = 0; page < d.sweepMaxPages; page++) {
    const rows = await d.hot.tickets.sweepPage(after, d.sweepPageSize, d.freshnessTargetMs);
    if (rows.length === 0) return;
    after = rows[rows.length - 1];
    const ids = rows.map((r) => r.id).filter((id) => !stuck.has(id));
    summary.counts.swept += ids.length;
    for (let i = 0; i < ids.length; i += d.batchSize) {
      const outcomes = await d.move(
        ids.slice(i, i + d.batchSize).map((id) => ({ id })),
        { source: 'sweep' },
      );
      tally(outcomes);
      const moved = outcomes.filter((o) => o.outcome === 'archived');
      if (moved.length > 0)
        d.log.warn(
          { tickets: moved.length },
          'sweep archived tickets the stream had not (a lost timer or a gap in the stream)',
        );
    }
    if (rows.length < d.sweepPageSize) return;
  }
}
