// `ticket-archiver plan`, before the archiver is enabled, read-only: how many tickets are cold now and since when,
// their size in the hot table and, estimated, in the cold store, how many turn cold per day over the next 30 days, and
// how long the backfill would take at a given rate or the one measured on this system (the ledger's last 15 minutes).
import { displayName } from '../core/spec/identifiers.ts';
import type { MoverHotStore, PlanAnswers, QueryCost } from '../edges/hotStore/index.ts';
import { planAnswers } from '../edges/hotStore/index.ts';

/** What a cold document adds to the row's text: typed fields, the column types, the hash and the move's names. */
const COLD_DOCUMENT_OVERHEAD_BYTES = 600;

export interface PlanReport {
  coldAfterMs: number;
  /** The archived table and the index the searches for candidates use. */
  table: { name: string; candidateIndex: string; rowsEstimate: number; bytes: number };
  cold: {
    count: number;
    byMonth: PlanAnswers['coldByMonth'];
    sampled: boolean;
    samplePercent?: number;
    /** Some month held more candidates than a count tests: its count is extrapolated. */
    estimated: boolean;
  };
  /** Foreign keys of other tables to the archived table, and the tickets cold by time each holds hot. */
  heldBack: PlanAnswers['heldBack'];
  sizes: { hotBytesEstimate: number; coldBytesEstimate: number; rowBytes: PlanAnswers['rowBytes']; basis: string };
  turningColdPerDay: PlanAnswers['turningColdByDay'];
  backfill: { ratePerSecond: number | null; rateBasis: string; seconds: number | null };
  queries: QueryCost[];
}

/** The cold tickets' size: their average in a sample of pages, or, when the sample held none (they are few), the
 * table's average row (its size over its estimated rows), times the count. */
function sizes(a: PlanAnswers, count: number): PlanReport['sizes'] {
  const r = a.rowBytes;
  if (r.sampled > 0)
    return {
      hotBytesEstimate: count * r.stored,
      coldBytesEstimate: count * (r.text + COLD_DOCUMENT_OVERHEAD_BYTES),
      rowBytes: r,
      basis: `average sizes of ${r.sampled} cold rows found in a sample of ${r.pages} of the table's ${a.table.pages} pages, times the count`,
    };
  const average = a.table.rowsEstimate > 0 ? Math.round(a.table.bytes / a.table.rowsEstimate) : 0;
  return {
    hotBytesEstimate: count * average,
    coldBytesEstimate: count * (average + COLD_DOCUMENT_OVERHEAD_BYTES),
    rowBytes: r,
    basis: `no cold row in a sample of ${r.pages} of the table's ${a.table.pages} pages: the table's average row (${average} bytes, indexes included), times the count`,
  };
}

export async function plan(
  hot: MoverHotStore,
  o: { coldAfterMs: number; samplePercent?: number; rate?: number },
): Promise<PlanReport> {
  const bounds = await hot.closed.bounds(o.coldAfterMs);
  const a = await planAnswers(hot.inspection, bounds, o.coldAfterMs, o.samplePercent);
  const count = a.coldByMonth.reduce((sum, m) => sum + m.count, 0);
  const measured = o.rate === undefined ? await hot.inspection.moveCounts() : undefined;
  const rate =
    o.rate ??
    (measured && measured.m15 > 0
      ? Math.round((measured.m15 / Math.min(900, Math.max(10, measured.spans.m15))) * 10) / 10
      : null);
  return {
    coldAfterMs: o.coldAfterMs,
    table: {
      name: displayName(hot.table.spec.table),
      candidateIndex: a.candidateIndex,
      rowsEstimate: a.table.rowsEstimate,
      bytes: a.table.bytes,
    },
    cold: {
      count,
      byMonth: a.coldByMonth,
      sampled: a.samplePercent !== undefined,
      ...(a.samplePercent !== undefined ? { samplePercent: a.samplePercent } : {}),
      estimated: a.samplePercent === undefined && a.coldByMonth.some((m) => m.estimated),
    },
    heldBack: a.heldBack,
    sizes: sizes(a, count),
    turningColdPerDay: a.turningColdByDay,
    backfill: {
      ratePerSecond: rate,
      rateBasis:
        o.rate !== undefined
          ? 'given (--rate)'
          : rate !== null
            ? 'measured: moves of the whole group in the last 15 minutes (the hot ledger)'
            : 'nothing moved in the last 15 minutes: give --rate',
      seconds: rate ? Math.round(count / rate) : null,
    },
    queries: a.costs,
  };
}
