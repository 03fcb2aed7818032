// How a backfill divides the work: the tickets cold now, by their activity, into `workers` equal time ranges for each
// of `indexes` processes (disjoint, so two workers never move the same ticket), and one range of the tickets in the
// cold state but not yet cold, whose timers are set. The ranges go to the processes (a Kubernetes Indexed Job's pods)
// in turn, so each gets old and recent ones alike rather than one era of the table. Ranges are of time, not of rows:
// planning costs two index probes however large the table is.
import { timestampMs } from '../core/timestamps.ts';
import type { BackfillSlice } from '../edges/coldStore/index.ts';
import type { ClosedTickets } from '../edges/hotStore/index.ts';

/** PostgreSQL accepts 'infinity' as a timestamptz: the open end of the timers' range. */
const END_OF_TIME = 'infinity';

/** Splits [from, to) into `n` equal parts. The ends stay as given (PostgreSQL's own text of them, which it reads back
 * exactly, microseconds and BC included); the cuts between are ISO-8601 instants. */
export function splitTimeRange(from: string, to: string, n: number): Array<{ from: string; to: string }> {
  const a = timestampMs(from);
  const b = timestampMs(to);
  if (!Number.isFinite(a) || !Number.isFinite(b) || !(b > a) || n <= 1) return [{ from, to }];
  const step = (b - a) / n;
  return Array.from({ length: n }, (_, i) => ({
    from: i === 0 ? from : new Date(a + Math.floor(step * i)).toISOString(),
    to: i === n - 1 ? to : new Date(a + Math.floor(step * (i + 1))).toISOString(),
  }));
}

/** How far through its range of activity a slice is (0..1); an open end counts up to `nowMs`. */
export function slicePosition(s: BackfillSlice, nowMs: number): number {
  if (s.done) return 1;
  if (!s.after) return 0;
  const from = timestampMs(s.from);
  const to = s.to === END_OF_TIME ? nowMs : timestampMs(s.to);
  const at = timestampMs(s.after.lastOperatedAt);
  return to > from ? Math.min(1, Math.max(0, (at - from) / (to - from))) : 0;
}

export async function planSlices(
  closed: ClosedTickets,
  name: string,
  workers: number,
  coldAfterMs: number,
  indexes = 1,
): Promise<BackfillSlice[]> {
  const { oldest, coldBefore } = await closed.bounds(coldAfterMs);
  const now = new Date();
  const coldRanges = oldest === null ? [] : splitTimeRange(oldest, coldBefore, workers * indexes);
  const planned = coldRanges.length + 1;
  const slice = (kind: BackfillSlice['kind'], i: number, range: { from: string; to: string }): BackfillSlice => ({
    _id: `${name}/${String(i).padStart(3, '0')}`,
    backfill: name,
    kind,
    from: range.from,
    to: range.to,
    after: null,
    done: false,
    read: 0,
    handled: 0,
    startedAt: now,
    updatedAt: now,
    index: i % indexes,
    indexes,
    planned,
  });
  return [
    ...coldRanges.map((range, i) => slice('move', i, range)),
    slice('timers', coldRanges.length, { from: coldBefore, to: END_OF_TIME }),
  ];
}
