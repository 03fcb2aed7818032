// The backfill of an existing table, straight from the hot database: the tickets cold now are read from the index of
// candidates (the spec's activity column and key, partial on its row filter) in pages, by several workers over
// disjoint ranges of activity, and moved through the same move as the archiver's (so a ticket an event moves at the
// same time is still moved once); the tickets in the cold state but not yet cold get their timers, which a running
// archiver fires. Nothing locks the table, nothing scans it, nothing
// goes through Kafka. Each slice's position is saved after every page: a stopped backfill resumes where it was. A dry
// run reads the saved positions, decides and counts, and saves and writes nothing.
import type { Logger } from 'pino';
import { coldAt } from '../core/coldRule.ts';
import { errorMessage, isRetriable, RetryAbandonedError } from '../core/errors.ts';
import { withRetry, type RetryPolicy } from '../core/retry.ts';
import type { Candidate } from '../core/move/followUp.ts';
import type { TicketOutcome } from '../core/move/outcome.ts';
import type { ColdTimerEntry, MoveOrigin } from '../core/move/ports.ts';
import { dateOrNull, pgTimestampMs } from '../core/timestamps.ts';
import type { BackfillSlice } from '../edges/coldStore/index.ts';
import type { ClosedTicket, ClosedTickets } from '../edges/hotStore/index.ts';
import { sharedPlan, type PlanStore } from './sharedPlan.ts';
import { planSlices } from './slices.ts';

export interface BackfillDeps {
  name: string;
  /** Slices per process, each worked by one worker; processes sharing the plan, and this one's index among them. */
  workers: number;
  indexes: number;
  index: number;
  pageSize: number;
  coldAfterMs: number;
  dryRun: boolean;
  closed: ClosedTickets;
  progress: PlanStore & { save(slice: BackfillSlice): Promise<void> };
  move(candidates: Candidate[], origin: MoveOrigin): Promise<TicketOutcome[]>;
  setTimers(timers: ColdTimerEntry[]): Promise<void>;
  partitionOf(id: string): number;
  stopped(): boolean;
  /** A page that fails on something retrying can cure (a store away, a cut connection) is tried again after a back-off,
   * as long as the process runs: moves are idempotent and the slice's position moves only after the page. */
  retry: RetryPolicy;
  log: Logger;
  /** Told after every page (progress bars, metrics). */
  onPage?(slices: BackfillSlice[]): void;
}

export interface BackfillSummary {
  name: string;
  /** This process's index among `indexes`; `slices` are its own. */
  index: number;
  indexes: number;
  dryRun: boolean;
  slices: BackfillSlice[];
  outcomes: Partial<Record<TicketOutcome['outcome'], number>>;
  seconds: number;
  complete: boolean;
}

/** The timers of closed tickets not yet cold; one due beyond a Date's range ('infinity') needs none. */
function timersOf(page: ClosedTicket[], d: BackfillDeps): ColdTimerEntry[] {
  return page.flatMap((t) => {
    const due = coldAt({ closed: true, lastOperatedAtMs: pgTimestampMs(t.lastOperatedAtInstant) }, d.coldAfterMs);
    const dueAt = due === undefined ? null : dateOrNull(due);
    return dueAt ? [{ id: t.id, version: t.version, dueAt, partition: d.partitionOf(t.id) }] : [];
  });
}

export async function runBackfill(d: BackfillDeps): Promise<BackfillSummary> {
  const began = Date.now();
  const target = { name: d.name, index: d.index, indexes: d.indexes, dryRun: d.dryRun };
  const plan = await sharedPlan(d.progress, target, () =>
    planSlices(d.closed, d.name, d.workers, d.coldAfterMs, d.indexes),
  );
  const slices = plan.mine;
  const where = { backfill: d.name, index: d.index, of: d.indexes, dryRun: d.dryRun };
  if (plan.planned) {
    const planned = plan.all.map((s) => ({ kind: s.kind, from: s.from, to: s.to, index: s.index }));
    d.log.info({ ...where, slices: planned }, 'backfill planned');
  } else {
    const done = slices.filter((s) => s.done).length;
    d.log.info({ ...where, done, slices: slices.length, planned: plan.all.length }, 'backfill resumed');
  }
  const outcomes: BackfillSummary['outcomes'] = {};

  async function handle(slice: BackfillSlice, page: ClosedTicket[]): Promise<void> {
    if (slice.kind === 'move') {
      const candidates = page.map((t) => ({ id: t.id, version: t.version }));
      for (const o of await d.move(candidates, { source: 'backfill' })) {
        outcomes[o.outcome] = (outcomes[o.outcome] ?? 0) + 1;
        if (o.outcome === 'archived' || o.outcome === 'wouldMove') slice.handled++;
      }
    } else {
      const timers = timersOf(page, d);
      if (!d.dryRun) await d.setTimers(timers);
      slice.handled += timers.length;
    }
  }

  /** One page of the slice: read, moved (or its timers set), the position saved. */
  async function step(slice: BackfillSlice): Promise<void> {
    const page = await d.closed.inRange({ from: slice.from, to: slice.to }, slice.after ?? undefined, d.pageSize);
    if (page.length > 0) {
      await handle(slice, page);
      const last = page[page.length - 1] as ClosedTicket;
      slice.after = { lastOperatedAt: last.lastOperatedAt, id: last.id };
      slice.read += page.length;
    }
    slice.done = page.length < d.pageSize;
    slice.updatedAt = new Date();
    if (!d.dryRun) await d.progress.save(slice);
  }

  async function work(slice: BackfillSlice): Promise<void> {
    while (!slice.done && !d.stopped()) {
      try {
        await withRetry(() => step(slice), d.retry, {
          shouldContinue: () => !d.stopped(),
          // An inner wait given up (the limiter's, on stopping) is not tried again here.
          isRetriable: (err) => !(err instanceof RetryAbandonedError) && isRetriable(err),
          onRetry: (err, attempt, delayMs) =>
            d.log.warn(
              { ...where, slice: slice._id, attempt, delayMs, err: errorMessage(err) },
              'transient failure; retrying',
            ),
        });
      } catch (err) {
        // Stopping while the throttle or a back-off held this page back: the next run starts with it.
        if (err instanceof RetryAbandonedError && d.stopped()) return;
        throw err;
      }
      d.onPage?.(slices);
    }
  }

  try {
    await Promise.all(slices.map((slice) => work(slice)));
  } catch (err) {
    d.log.error({ ...where, err: errorMessage(err) }, 'backfill stopped by an error; run it again to resume');
    throw err;
  }
  const complete = slices.every((s) => s.done);
  const seconds = (Date.now() - began) / 1000;
  d.log.info(
    { ...where, complete, outcomes, seconds },
    complete ? 'backfill complete' : 'backfill stopped; run it again to resume',
  );
  return { name: d.name, index: d.index, indexes: d.indexes, dryRun: d.dryRun, slices, outcomes, seconds, complete };
}
