// One reconciler pass: retry due stuck deletions, clear restored tickets' left-over archives, finish or roll back
// interrupted copies, and sweep tickets that are cold but still hot past the freshness target. Every move goes
// through moveTickets, the archiver's own move. The summary of each pass is kept in ticket_archive.reconcile_runs.
import { randomUUID } from 'node:crypto';
import { Long, type Collection } from 'mongodb';
import type { Logger } from 'pino';
import type { ColdTickets } from '../shared/move/coldTickets.ts';
import { classifyFailure } from '../shared/move/failureClass.ts';
import type { HotTickets } from '../shared/move/hotTickets.ts';
import { moveTickets, type Candidate, type MoveDeps } from '../shared/move/moveTickets.ts';
import type { MoveOutcome, TicketOutcome } from '../shared/move/outcome.ts';
import { nextStuckAttempt, type StuckPolicy } from './stuckSchedule.ts';

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
  };
  outcomes: Partial<Record<MoveOutcome, number>>;
  errors: string[];
}

export interface PassDeps {
  hot: HotTickets;
  cold: ColdTickets;
  move: MoveDeps;
  runs: Collection<PassSummary>;
  log: Logger;
  instance: string;
  batchSize: number;
  stuckPolicy: StuckPolicy;
  orphanGraceMs: number;
  freshnessTargetMs: number;
  sweepPageSize: number;
  sweepMaxPages: number;
}

export async function reconcileOnce(d: PassDeps): Promise<PassSummary> {
  const summary: PassSummary = {
    _id: randomUUID(),
    instance: d.instance,
    startedAt: new Date(),
    endedAt: new Date(),
    ok: false,
    counts: { stuckRetried: 0, stuckResolved: 0, stillStuck: 0, escalated: 0, restoredLeftoversRemoved: 0, unfinishedCopies: 0, swept: 0 },
    outcomes: {},
    errors: [],
  };
  const tally = (outcomes: TicketOutcome[]) => {
    for (const o of outcomes) summary.outcomes[o.outcome] = (summary.outcomes[o.outcome] ?? 0) + 1;
  };
  try {
    await retryStuck(d, summary, tally);
    summary.counts.restoredLeftoversRemoved = await d.cold.removeAnyCopies(await d.hot.restoredTickets());
    await finishUnfinishedCopies(d, summary, tally);
    await sweep(d, summary, tally);
    summary.ok = true;
  } catch (err) {
    summary.errors.push((err as Error).message);
    d.log.error({ err: (err as Error).message }, 'reconcile pass failed');
  } finally {
    summary.endedAt = new Date();
    await d.runs.insertOne(summary).catch((err: unknown) => d.log.error({ err: (err as Error).message }, 'could not record the pass summary'));
  }
  d.log.info({ runId: summary._id, ok: summary.ok, counts: summary.counts, outcomes: summary.outcomes }, 'reconcile pass finished');
  return summary;
}

async function retryStuck(d: PassDeps, summary: PassSummary, tally: (o: TicketOutcome[]) => void): Promise<void> {
  const seen = new Set<string>();
  for (;;) {
    const due = (await d.cold.dueStuck(new Date(), d.batchSize + seen.size)).filter((s) => !seen.has(s._id.toString())).slice(0, d.batchSize);
    if (due.length === 0) return;
    for (const s of due) seen.add(s._id.toString());
    summary.counts.stuckRetried += due.length;
    const outcomes = await moveTickets(d.move, due.map((s): Candidate => ({ id: s._id.toString(), copiedVersion: s.version.toString() })));
    tally(outcomes);
    for (const o of outcomes) {
      if (o.outcome !== 'stuck') {
        summary.counts.stuckResolved++;
        continue;
      }
      const record = await d.cold.stuck.findOne({ _id: Long.fromString(o.id) });
      const attempts = record?.attempts ?? 1;
      const cls = classifyFailure(o.code, o.reason);
      const next = nextStuckAttempt(attempts, cls, d.stuckPolicy, Date.now());
      await d.cold.scheduleStuck(o.id, next.nextAttemptAt, next.escalated);
      if (next.escalated) {
        summary.counts.escalated++;
        // The ticket stays hot; its copy goes, so nothing in the cold store reads as its archive.
        await d.cold.removeCopies([{ id: o.id, version: o.version ?? '0' }]);
        d.log.error({ ticketId: o.id, ticketVersion: o.version, attempts, reason: o.reason, code: o.code }, 'deletion escalated to an operator after repeated permanent failures');
      } else {
        summary.counts.stillStuck++;
      }
    }
  }
}

async function finishUnfinishedCopies(d: PassDeps, summary: PassSummary, tally: (o: TicketOutcome[]) => void): Promise<void> {
  const seen = new Set<string>();
  for (;;) {
    const cutoff = new Date(Date.now() - d.orphanGraceMs);
    const copies = (await d.cold.unfinishedCopies(cutoff, d.batchSize + seen.size)).filter((c) => !seen.has(c.id)).slice(0, d.batchSize);
    if (copies.length === 0) return;
    for (const c of copies) seen.add(c.id);
    summary.counts.unfinishedCopies += copies.length;
    tally(await moveTickets(d.move, copies.map((c) => ({ id: c.id, copiedVersion: c.version }))));
  }
}

async function sweep(d: PassDeps, summary: PassSummary, tally: (o: TicketOutcome[]) => void): Promise<void> {
  // Escalated tickets wait for an operator; sweeping them would only retry what is known to fail.
  const escalated = new Set((await d.cold.listStuck({ escalated: true })).map((s) => s._id.toString()));
  let after: { lastOperatedAt: string; id: string } | undefined;
  for (let page = 0; page < d.sweepMaxPages; page++) {
    const rows = await d.hot.sweepPage(after, d.sweepPageSize, d.freshnessTargetMs);
    if (rows.length === 0) return;
    after = rows[rows.length - 1];
    const ids = rows.map((r) => r.id).filter((id) => !escalated.has(id));
    summary.counts.swept += ids.length;
    for (let i = 0; i < ids.length; i += d.batchSize) {
      const part = ids.slice(i, i + d.batchSize);
      const outcomes = await moveTickets(d.move, part.map((id) => ({ id })));
      tally(outcomes);
      const moved = outcomes.filter((o) => o.outcome === 'archived');
      if (moved.length > 0) d.log.warn({ tickets: moved.length }, 'sweep archived tickets the stream had not (a lost timer or a gap in the stream)');
    }
    if (rows.length < d.sweepPageSize) return;
  }
}
