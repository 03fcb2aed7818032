// How a backfill divides the work: the closed tickets cold now, by last_operated_at, into `workers` equal time ranges
// (disjoint, so two workers never move the same ticket), and one range of the tickets closed but not yet cold, whose
// timers are set. Ranges are of time, not of rows: planning costs two index probes however large the table is.
import type { BackfillSlice } from '../edges/coldStore/index.ts';
import type { BackfillPages } from '../edges/hotStore/index.ts';

/** PostgreSQL accepts 'infinity' as a timestamptz: the open end of the timers' range. */
const END_OF_TIME = 'infinity';

/** Splits [from, to) (ISO-8601 instants) into `n` equal parts, as ISO text PostgreSQL reads back exactly. */
export function splitTimeRange(from: string, to: string, n: number): Array<{ from: string; to: string }> {
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (!(b > a) || n <= 1) return [{ from, to }];
  const step = (b - a) / n;
  return Array.from({ length: n }, (_, i) => ({
    from: i === 0 ? from : new Date(a + Math.floor(step * i)).toISOString(),
    to: i === n - 1 ? to : new Date(a + Math.floor(step * (i + 1))).toISOString(),
  }));
}

/** PostgreSQL's timestamptz text ("2026-01-02 03:04:05.678901+00") as ISO-8601, microseconds kept. */
export function isoOf(pgText: string): string {
  return pgText.replace(' ', 'T').replace(/\+00$/, 'Z');
}

export async function planSlices(
  pages: BackfillPages,
  name: string,
  workers: number,
  coldAfterMs: number,
): Promise<BackfillSlice[]> {
  const { oldest, coldBefore } = await pages.bounds(coldAfterMs);
  const now = new Date();
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
  });
  const coldRanges = oldest === null ? [] : splitTimeRange(isoOf(oldest), isoOf(coldBefore), workers);
  return [
    ...coldRanges.map((range, i) => slice('move', i, range)),
    slice('timers', coldRanges.length, { from: isoOf(coldBefore), to: END_OF_TIME }),
  ];
}
