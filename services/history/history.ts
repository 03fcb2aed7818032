// `ticket-archiver history`: the per-minute progress samples of every archiver, reconciler pass and backfill, summed by
// hour or day over a period, and the backfills with when they started and last moved: how many moved per day, how long
// the backfill took, when it slowed down and why (throttled minutes, lag, time per move, stuck, dead letters).
import type { ProgressSample } from '../core/progressSample.ts';
import type { BackfillSlice, ColdStore } from '../edges/coldStore/index.ts';

export interface HistoryBucket {
  /** Start of the minute, hour or day (UTC, ISO-8601). */
  from: string;
  archived: number;
  /** Archived by each kind of mover. */
  byRole: Record<string, number>;
  /** Every other outcome (stayed hot, stuck, gone...). */
  otherOutcomes: Record<string, number>;
  stuckRecorded: number;
  deadLettered: number;
  maxLag: number | null;
  /** Average seconds per move (batch). */
  secondsPerMove: number | null;
  /** Minutes in which a mover's throttle was slowing or pausing it. */
  throttledMinutes: number;
  instances: string[];
}

export interface HistoryReport {
  from: string;
  to: string;
  by: HistoryBucketSize;
  buckets: HistoryBucket[];
  totals: { archived: number; stuckRecorded: number; deadLettered: number; samples: number };
  backfills: Array<{
    name: string;
    startedAt: string;
    lastMovedAt: string;
    seconds: number;
    read: number;
    archived: number;
    timersSet: number;
    complete: boolean;
    /** The processes sharing its plan (a Kubernetes Indexed Job's indexes) and how many of them are done. */
    processes: number;
    processesDone: number;
  }>;
}

export type HistoryBucketSize = 'minute' | 'hour' | 'day';

function bucketStart(at: Date, by: HistoryBucketSize): string {
  const d = new Date(at);
  d.setUTCSeconds(0, 0);
  if (by !== 'minute') d.setUTCMinutes(0);
  if (by === 'day') d.setUTCHours(0);
  return d.toISOString();
}

/** Sums samples into buckets (pure). */
export function bucketize(samples: ProgressSample[], by: HistoryBucketSize): HistoryBucket[] {
  const buckets = new Map<string, HistoryBucket & { batchCount: number; batchSeconds: number; seen: Set<string> }>();
  for (const s of samples) {
    const key = bucketStart(s.at, by);
    const b = buckets.get(key) ?? {
      from: key,
      archived: 0,
      byRole: {},
      otherOutcomes: {},
      stuckRecorded: 0,
      deadLettered: 0,
      maxLag: null,
      secondsPerMove: null,
      throttledMinutes: 0,
      instances: [],
      batchCount: 0,
      batchSeconds: 0,
      seen: new Set(),
    };
    for (const [outcome, n] of Object.entries(s.moves)) {
      if (outcome === 'archived') {
        b.archived += n;
        b.byRole[s.role] = (b.byRole[s.role] ?? 0) + n;
      } else b.otherOutcomes[outcome] = (b.otherOutcomes[outcome] ?? 0) + n;
    }
    b.stuckRecorded += s.stuckRecorded;
    b.deadLettered += s.deadLettered;
    if (s.lag !== undefined) b.maxLag = Math.max(b.maxLag ?? 0, s.lag);
    b.batchCount += s.batches.count;
    b.batchSeconds += s.batches.seconds;
    if (s.throttle && (s.throttle.mode === 'slowed' || s.throttle.mode === 'paused')) b.throttledMinutes++;
    b.seen.add(s.instance);
    buckets.set(key, b);
  }
  return [...buckets.values()]
    .sort((a, b) => a.from.localeCompare(b.from))
    .map(({ batchCount, batchSeconds, seen, ...b }) => ({
      ...b,
      secondsPerMove: batchCount > 0 ? Math.round((batchSeconds / batchCount) * 1000) / 1000 : null,
      instances: [...seen].sort(),
    }));
}

function backfillsOf(slices: BackfillSlice[]): HistoryReport['backfills'] {
  const byName = new Map<string, BackfillSlice[]>();
  for (const s of slices) byName.set(s.backfill, [...(byName.get(s.backfill) ?? []), s]);
  return [...byName].map(([name, ss]) => {
    const startedAt = Math.min(...ss.map((s) => s.startedAt.getTime()));
    const last = Math.max(...ss.map((s) => s.updatedAt.getTime()));
    return {
      name,
      startedAt: new Date(startedAt).toISOString(),
      lastMovedAt: new Date(last).toISOString(),
      seconds: Math.round((last - startedAt) / 1000),
      read: ss.reduce((n, s) => n + s.read, 0),
      archived: ss.filter((s) => s.kind === 'move').reduce((n, s) => n + s.handled, 0),
      timersSet: ss.filter((s) => s.kind === 'timers').reduce((n, s) => n + s.handled, 0),
      complete: ss.every((s) => s.done),
      processes: ss[0]?.indexes ?? 1,
      // An index with no slice left undone (or none at all) is done.
      processesDone: (ss[0]?.indexes ?? 1) - new Set(ss.filter((s) => !s.done).map((s) => s.index ?? 0)).size,
    };
  });
}

export async function history(
  cold: ColdStore,
  o: { from: Date; to: Date; by: HistoryBucketSize; instance?: string },
): Promise<HistoryReport> {
  const samples = (await cold.progress.between(o.from, o.to)).filter(
    (s) => o.instance === undefined || s.instance === o.instance,
  );
  const buckets = bucketize(samples, o.by);
  const backfills = backfillsOf(await cold.backfills.all()).filter(
    (b) => Date.parse(b.lastMovedAt) >= o.from.getTime(),
  );
  return {
    from: o.from.toISOString(),
    to: o.to.toISOString(),
    by: o.by,
    buckets,
    totals: {
      archived: buckets.reduce((n, b) => n + b.archived, 0),
      stuckRecorded: buckets.reduce((n, b) => n + b.stuckRecorded, 0),
      deadLettered: buckets.reduce((n, b) => n + b.deadLettered, 0),
      samples: samples.length,
    },
    backfills,
  };
}
