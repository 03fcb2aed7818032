// The questions `plan` asks before the archiver is enabled, answered by counts with a ceiling by default (exact up to
// it, extrapolated beyond: candidateCounts.ts), so that asking costs the same on a thousand tickets and on three billion (the
// lesson of seeds/000): the cold tickets by month of last operation and those turning cold per day (one bounded count
// per month and per day over the index of candidates),
// the table's size (its statistics), a cold row's size (a sample of a bounded number of pages), the tickets each
// foreign key holds back (a bounded count). `--sample P` counts in P% of the table's pages instead: an operator's explicit
// choice of a cost that grows with the table.
import { timestampMs } from '../../core/timestamps.ts';
import type { HotInspection, QueryCost } from './inspection.ts';
import { countCandidates } from './candidateCounts.ts';
import { CANDIDATE_INDEX } from './tableSql.ts';

/** Pages a size sample reads, whatever the table's size. */
const SIZE_PAGES = 200;
const SIZE_ROWS = 20_000;
/** Months counted one by one before the first; older ones are one bucket. */
const MONTHS = 240;

/** A month's or a day's range is counted from the index up to twice its ceiling (some 270 of them: 10 times made plan
 * 1.4x slower at 10M tickets than at 1M), the planner's estimate beyond. */
const BUCKET_SCOPE_FACTOR = 2;

/** The candidates each month's and day's count tests at most (some 270 buckets for 20 years of tickets): on a table far
 * larger than memory each is a random heap read, so 1,000 keep plan within seconds on a cold cache (were they a random
 * sample, their share would be within about 3 points of the range's 19 times in 20; they are the oldest). */
export const BUCKET_CEILING = 1_000;

/** A count beyond its ceiling: extrapolated from the candidates tested (candidateCounts.ts). */
const ESTIMATED = { estimated: true } as const;

export interface PlanAnswers {
  /** Counted up to BUCKET_CEILING candidates each; `estimated` where there were more. */
  coldByMonth: Array<{ month: string; count: number; estimated?: true }>;
  turningColdByDay: Array<{ day: string; count: number; estimated?: true }>;
  /** Average size of a cold row in the hot table, and of its text (what the cold document holds), from a sample. */
  rowBytes: { stored: number; text: number; sampled: number; pages: number };
  table: { bytes: number; rowsEstimate: number; pages: number };
  /** Tickets cold by time that a foreign key holds back (a bounded count). */
  heldBack: Awaited<ReturnType<HotInspection['heldBack']>>;
  /** The index the searches for candidates use. */
  candidateIndex: string;
  /** The share of the table's pages counted, with --sample; undefined when the counts are bounded counts. */
  samplePercent?: number;
  costs: QueryCost[];
}

const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const nextMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
const iso = (d: Date) => d.toISOString();

async function coldByMonthEstimated(
  inspect: HotInspection,
  coldAfterMs: number,
  oldest: string | null,
  coldBefore: string,
): Promise<{ months: PlanAnswers['coldByMonth']; costs: QueryCost[] }> {
  const t = inspect.t;
  const end = new Date(timestampMs(coldBefore));
  const start = oldest === null ? end : monthStart(new Date(timestampMs(oldest)));
  const months: PlanAnswers['coldByMonth'] = [];
  const costs: QueryCost[] = [];
  let from = Number.isNaN(start.getTime()) ? monthStart(end) : start;
  const first = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - MONTHS, 1));
  if (from < first) from = first;
  // A bucket's tickets: candidates in its range, cold by the database's clock, counted when not held back.
  const bucket = (name: string, lowerBound: boolean, params: unknown[]) =>
    countCandidates(inspect.costs, t, {
      name,
      range: `${lowerBound ? `${t.activity()} >= ${t.asActivity('$2::timestamptz')} AND ` : ''}
        ${t.activity()} < ${t.asActivity('$3::timestamptz')} AND ${t.activity()} <= ${t.coldBefore('$1')}`,
      filter: t.closed(),
      params,
      ceiling: BUCKET_CEILING,
      scopeCeiling: BUCKET_SCOPE_FACTOR * BUCKET_CEILING,
    });
  if (oldest !== null && start < first) {
    const older = await bucket('cold tickets before the months counted', false, [coldAfterMs, null, iso(first)]);
    months.push({ month: `before ${iso(first).slice(0, 7)}`, count: older.rows, ...(older.exact ? {} : ESTIMATED) });
    costs.push(older.cost);
  }
  for (let m = from; m <= end && oldest !== null; m = nextMonth(m)) {
    const e = await bucket(`cold tickets of ${iso(m).slice(0, 7)}`, true, [coldAfterMs, iso(m), iso(nextMonth(m))]);
    if (e.rows > 0) months.push({ month: iso(m).slice(0, 7), count: e.rows, ...(e.exact ? {} : ESTIMATED) });
    costs.push(e.cost);
  }
  return { months, costs };
}

async function coldByMonthSampled(inspect: HotInspection, coldAfterMs: number, percent: number) {
  const t = inspect.t;
  const { rows, cost } = await inspect.costs.costed<{ month: string; n: string }>(
    `cold tickets by month (${percent}% of the pages)`,
    `SELECT to_char(date_trunc('month', ${t.activityInstant()} AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, count(*)::text AS n
       FROM ${t.table} t TABLESAMPLE SYSTEM ($2::float8) WHERE ${t.candidates()} AND ${t.coldNow('$1')} GROUP BY 1 ORDER BY 1`,
    [coldAfterMs, percent],
  );
  return {
    months: rows.map((r) => ({ month: r.month, count: Math.round((Number(r.n) * 100) / percent) })),
    costs: [cost],
  };
}

async function turningColdByDay(inspect: HotInspection, coldAfterMs: number, coldBefore: string) {
  const t = inspect.t;
  const start = new Date(timestampMs(coldBefore));
  const days: PlanAnswers['turningColdByDay'] = [];
  const costs: QueryCost[] = [];
  for (let i = 0; i < 30; i++) {
    const from = new Date(start.getTime() + i * 86_400_000);
    const to = new Date(from.getTime() + 86_400_000);
    // Held-back tickets are left out, as from the cold tickets by month: what would move on that day.
    const e = await countCandidates(inspect.costs, t, {
      name: `turning cold on day ${i + 1}`,
      range: `${t.activity()} >= ${t.asActivity('$1::timestamptz')} AND ${t.activity()} < ${t.asActivity('$2::timestamptz')}`,
      filter: t.closed(),
      params: [iso(from), iso(to)],
      ceiling: BUCKET_CEILING,
      scopeCeiling: BUCKET_SCOPE_FACTOR * BUCKET_CEILING,
    });
    days.push({
      day: iso(new Date(to.getTime() + coldAfterMs)).slice(0, 10),
      count: e.rows,
      ...(e.exact ? {} : ESTIMATED),
    });
    costs.push(e.cost);
  }
  return { days, costs };
}

export async function planAnswers(
  inspect: HotInspection,
  bounds: { oldest: string | null; coldBefore: string },
  coldAfterMs: number,
  samplePercent?: number,
): Promise<PlanAnswers> {
  const t = inspect.t;
  const table = await inspect.costs.costed<{ bytes: string; rows: string; pages: string }>(
    'table size (statistics)',
    `SELECT pg_total_relation_size(c.oid)::text AS bytes, greatest(c.reltuples, 0)::bigint::text AS rows,
            greatest(c.relpages, 1)::text AS pages
       FROM pg_class c WHERE c.oid = $1::regclass`,
    [t.table],
  );
  const pages = Number(table.rows[0]?.pages ?? 1);
  const byMonth =
    samplePercent === undefined
      ? await coldByMonthEstimated(inspect, coldAfterMs, bounds.oldest, bounds.coldBefore)
      : await coldByMonthSampled(inspect, coldAfterMs, samplePercent);
  const days = await turningColdByDay(inspect, coldAfterMs, bounds.coldBefore);
  // A sample of about SIZE_PAGES pages, whatever the table's size.
  const percent = Math.min(100, (100 * SIZE_PAGES) / pages);
  const sizes = await inspect.costs.costed<{ stored: string | null; text: string | null; n: string }>(
    `cold row sizes (${SIZE_PAGES} pages)`,
    `SELECT avg(pg_column_size(s.*))::float8 AS stored, avg(octet_length(s::text))::float8 AS text, count(*)::text AS n
       FROM (SELECT t.* FROM ${t.table} t TABLESAMPLE SYSTEM ($2::float8)
              WHERE ${t.candidates()} AND ${t.coldNow('$1')} LIMIT ${SIZE_ROWS}) s`,
    [coldAfterMs, percent],
  );
  const size = sizes.rows[0];
  return {
    coldByMonth: byMonth.months,
    turningColdByDay: days.days,
    rowBytes: {
      stored: Math.round(Number(size?.stored ?? 0)),
      text: Math.round(Number(size?.text ?? 0)),
      sampled: Number(size?.n ?? 0),
      pages: Math.min(pages, SIZE_PAGES),
    },
    table: { bytes: Number(table.rows[0]?.bytes ?? 0), rowsEstimate: Number(table.rows[0]?.rows ?? 0), pages },
    heldBack: await inspect.heldBack(coldAfterMs),
    candidateIndex: CANDIDATE_INDEX,
    ...(samplePercent !== undefined ? { samplePercent } : {}),
    costs: [table.cost, ...byMonth.costs, ...days.costs, sizes.cost],
  };
}
