// The backfill of an existing table, straight from the hot database: the tickets cold now are read from the partial
// index on closed tickets in pages, by several workers over disjoint ranges of last_operated_at, and moved through the
// same move as the archiver's (so a ticket an event moves at the same time is still moved once); the tickets closed but
// not yet cold get their timers, which a running archiver fires. Nothing locks the table, nothing scans it, nothing
// goes through Kafka. Each slice's position is saved after every page: a stopped backfill resumes where it was.
import type { Logger } from 'pino';
import { errorMessage } from '../core/errors.ts';
import type { Candidate } from '../core/move/followUp.ts';
import type { TicketOutcome } from '../core/move/outcome.ts';
import type { ColdTimerEntry, MoveOrigin } from '../core/move/ports.ts';
import type { BackfillSlice, Backfills } from '../edges/coldStore/index.ts';
import type { BackfillPages, ClosedTicket } from '../edges/hotStore/index.ts';
import { dateOrNull } from '../core/timestamps.ts';
import { planSlices } from './slices.ts';

export interface BackfillDeps {
  name: string;
  workers: number;
  pageSize: number;
  coldAfterMs: number;
  pages: BackfillPages;
  progress: Backfills;
  move(candidates: Candidate[], origin: MoveOrigin): Promise<TicketOutcome[]>;
  setTimers(timers: ColdTimerEntry[]): Promise<void>;
  partitionOf(id: string): number;
  /** Parses PostgreSQL's timestamptz text (UTC) to epoch milliseconds. */
  timestampMs(text: string): number;
  stopped(): boolean;
  log: Logger;
  /** Told after every page (progress bars, metrics). */
  onPage?(slices: BackfillSlice[]): void;
}

export interface BackfillSummary {
  name: string;
  slices: BackfillSlice[];
  outcomes: Partial<Record<TicketOutcome['outcome'], number>>;
  seconds: number;
  complete: boolean;
}

export async function runBackfill(d: BackfillDeps): Promise<BackfillSummary> {
  const began = Date.now();
  let slices = await d.progress.slicesOf(d.name);
  if (slices.length === 0) {
    slices = await planSlices(d.pages, d.name, d.workers, d.coldAfterMs);
    for (const slice of slices) await d.progress.save(slice);
    d.log.info(
      { backfill: d.name, slices: slices.map((s) => ({ kind: s.kind, from: s.from, to: s.to })) },
      'backfill planned',
    );
  } else {
    d.log.info({ backfill: d.name, done: slices.filter((s) => s.done).length, of: slices.length }, 'backfill resumed');
  }
  const outcomes: BackfillSummary['outcomes'] = {};

  async function work(slice: BackfillSlice): Promise<void> {
    while (!slice.done && !d.stopped()) {
      const page: ClosedTicket[] = await d.pages.page(
        { from: slice.from, to: slice.to },
        slice.after ?? undefined,
        d.pageSize,
      );
      if (page.length > 0) {
        if (slice.kind === 'move') {
          for (const o of await d.move(
            page.map((t) => ({ id: t.id, version: t.version })),
            { source: 'backfill' },
          )) {
            outcomes[o.outcome] = (outcomes[o.outcome] ?? 0) + 1;
            if (o.outcome === 'archived') slice.handled++;
          }
        } else {
          // Tickets due beyond a Date's range ('infinity') need no timer.
          const timers = page.map((t) => ({
            id: t.id,
            version: t.version,
            dueAt: dateOrNull(d.timestampMs(t.lastOperatedAt) + d.coldAfterMs),
            partition: d.partitionOf(t.id),
          }));
          await d.setTimers(timers.flatMap((t) => (t.dueAt ? [{ ...t, dueAt: t.dueAt }] : [])));
          slice.handled += page.length;
        }
        const last = page[page.length - 1] as ClosedTicket;
        slice.after = { lastOperatedAt: last.lastOperatedAt, id: last.id };
        slice.read += page.length;
      }
      slice.done = page.length < d.pageSize;
      slice.updatedAt = new Date();
      await d.progress.save(slice);
      d.onPage?.(slices);
    }
  }

  try {
    await Promise.all(slices.map((slice) => work(slice)));
  } catch (err) {
    d.log.error({ backfill: d.name, err: errorMessage(err) }, 'backfill stopped by an error; run it again to resume');
    throw err;
  }
  const complete = slices.every((s) => s.done);
  d.log.info(
    { backfill: d.name, complete, outcomes, seconds: (Date.now() - began) / 1000 },
    complete ? 'backfill complete' : 'backfill stopped; run it again to resume',
  );
  return { name: d.name, slices, outcomes, seconds: (Date.now() - began) / 1000, complete };
}
