// The benchmark's headline figures (the keys the issues name, at the top of results.json) and its goals.
import type { AggregatesResult } from './aggregatesStage.ts';
import type { CostStep } from './coldStoreCosts.ts';
import { growthRatio, type OperatorQueriesResult } from './operatorQueries.ts';
import type { ReadsResult } from './readsStage.ts';
import type { BackfillResult, CeilingResult } from './stage.ts';
import { distribution, round, spread } from './stats.ts';

export interface BenchRun {
  command: string;
  date: string;
  machine: string;
  code: string;
  settings: Record<string, string | number>;
  ceilings?: CeilingResult;
  /** The cold store's operations of a 500-ticket move, timed alone as its collections fill. */
  coldStoreCosts?: CostStep[];
  copier?: BackfillResult;
  archiver1?: BackfillResult;
  archiver2?: BackfillResult;
  /** Archiver, one instance, with the connector sending whole rows (as before column.include.list). */
  archiverFullRows?: BackfillResult;
  /** `ticket-archiver backfill` from the partial index, beside one archiver following the stream; throttle off. */
  direct?: BackfillResult;
  /** The favoured backfill path (settings.path) with the throttle on. */
  throttled?: BackfillResult;
  /** The favoured path, throttle off, at each size (the main size's entry is that path's main run). */
  growth: BackfillResult[];
  /** The read API's latency by id and by customer page, each tier, on a table split by the direct backfill. */
  reads?: ReadsResult;
  /** status, plan and an exact count timed as the table grows (the installed program, several runs per size). */
  operatorQueries?: OperatorQueriesResult;
  /** Zammad tickets with their parts, the same as rows only, and the single-row table, by the direct backfill. */
  aggregates?: AggregatesResult;
  runSeconds: number;
}

interface Goal {
  goal: string;
  target: string;
  measured: string;
  met: boolean | null;
}

export const latencyRatio = (r: BackfillResult | undefined, quantile: 'p50' | 'p99') => {
  if (!r) return Number.NaN;
  const quiet = spread(r.quietTraffic.map((q) => q.latency[quantile])).median;
  return r.backfillTraffic.latency[quantile] / quiet;
};

/** The largest |error| of status's ETA from 25% of the backfill on, percent. */
function etaErrorFrom25(r: BackfillResult | undefined): number | null {
  const errors = (r?.eta ?? [])
    .filter((e) => e.fraction >= 0.25 && e.errorPercent !== null)
    .map((e) => Math.abs(e.errorPercent as number));
  return errors.length > 0 ? round(Math.max(...errors), 1) : null;
}

/** The backfill path the run favoured (its throttled and growth parts), and its main result. */
export function favoured(run: BenchRun): BackfillResult | undefined {
  return run.settings.path === 'events' ? run.archiver1 : run.direct;
}

const aggregateRate = (run: BenchRun, w: 'parts' | 'roots') =>
  run.aggregates?.summaries.find((s) => s.workload === w)?.ticketsPerSecond ?? null;

export function headline(run: BenchRun) {
  const coldStore = run.ceilings ? spread(run.ceilings.coldStore.map((c) => c.perSecond)) : undefined;
  const main = favoured(run);
  const growthFirst = run.growth[0];
  const growthLast = run.growth[run.growth.length - 1];
  const del = run.ceilings ? spread(run.ceilings.delete.map((c) => c.perSecond)) : undefined;
  const fresh = run.archiver1?.freshness ? distribution(run.archiver1.freshness.all) : undefined;
  const rss = run.archiver1?.archivers?.[0]?.peakRssMB;
  const cpu = run.archiver1?.archivers?.[0]?.cpuSeconds;
  return {
    archiverTicketsPerSecond: run.archiver1 ? round(run.archiver1.ticketsPerSecond) : null,
    archiver2TicketsPerSecond: run.archiver2 ? round(run.archiver2.ticketsPerSecond) : null,
    copierTicketsPerSecond: run.copier ? round(run.copier.ticketsPerSecond) : null,
    coldStoreCeilingPerSecond: coldStore ? round(coldStore.median) : null,
    deleteCeilingPerSecond: del ? round(del.median) : null,
    freshnessP99Seconds: fresh ? round(fresh.p99, 2) : null,
    copierFreshnessP99Seconds: run.copier?.freshness ? round(distribution(run.copier.freshness.all).p99, 2) : null,
    liveTrafficP99Ratio: run.archiver1 ? round(latencyRatio(run.archiver1, 'p99'), 2) : null,
    copierLiveTrafficP99Ratio: run.copier ? round(latencyRatio(run.copier, 'p99'), 2) : null,
    archiverPeakRssMB: rss ?? null,
    archiverCpuSecondsPer1000Moves:
      run.archiver1 && cpu !== undefined ? round((cpu * 1000) / run.archiver1.moved, 2) : null,
    backfillPath: String(run.settings.path ?? 'events'),
    backfillTicketsPerSecond: main ? round(main.ticketsPerSecond) : null,
    directTicketsPerSecond: run.direct ? round(run.direct.ticketsPerSecond) : null,
    directLiveTrafficP99Ratio: run.direct ? round(latencyRatio(run.direct, 'p99'), 2) : null,
    throttledTicketsPerSecond: run.throttled ? round(run.throttled.ticketsPerSecond) : null,
    throttledLiveTrafficP99Ratio: run.throttled ? round(latencyRatio(run.throttled, 'p99'), 2) : null,
    backfillPeakRssMB: main?.archivers ? Math.max(...main.archivers.map((a) => a.peakRssMB)) : null,
    growthRatio:
      growthFirst && growthLast && growthFirst !== growthLast
        ? round(growthLast.ticketsPerSecond / growthFirst.ticketsPerSecond, 2)
        : null,
    etaMaxErrorPercentFrom25: etaErrorFrom25(run.direct),
    // Of the fastest runs: the machine is shared, and a command's own cost is at most its fastest time.
    statusGrowthRatio: run.operatorQueries ? growthRatio(run.operatorQueries.sizes, 'status', 'min') : null,
    planGrowthRatio: run.operatorQueries ? growthRatio(run.operatorQueries.sizes, 'plan', 'min') : null,
    aggregateTicketsPerSecond: aggregateRate(run, 'parts'),
    aggregateRootsTicketsPerSecond: aggregateRate(run, 'roots'),
    tickets: Number(run.settings.tickets),
    date: run.date,
    machine: run.machine,
  };
}

export function goals(run: BenchRun): Goal[] {
  const h = headline(run);
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null ? a / b : null);
  const slower =
    h.coldStoreCeilingPerSecond !== null && h.deleteCeilingPerSecond !== null
      ? Math.min(h.coldStoreCeilingPerSecond, h.deleteCeilingPerSecond)
      : null;
  const vsCopier = ratio(h.backfillTicketsPerSecond, h.copierTicketsPerSecond);
  const vsCeiling = ratio(h.backfillTicketsPerSecond, slower);
  const fmt = (n: number | null, unit = '') => (n === null ? 'not measured' : `${round(n, 2)}${unit}`);
  const met = (n: number | null, ok: (n: number) => boolean) => (n === null ? null : ok(n));
  const path = `${h.backfillPath} backfill`;
  return [
    {
      goal: `${path} throughput vs direct batch copier`,
      target: '>= 0.8x',
      measured: fmt(vsCopier, 'x'),
      met: met(vsCopier, (n) => n >= 0.8),
    },
    {
      goal: `${path} throughput vs slower ceiling`,
      target: '>= 0.5x',
      measured: fmt(vsCeiling, 'x'),
      met: met(vsCeiling, (n) => n >= 0.5),
    },
    {
      goal: 'live-traffic p99 during the backfill vs quiet, throttle on',
      target: '<= 1.2x',
      measured: fmt(h.throttledLiveTrafficP99Ratio, 'x'),
      met: met(h.throttledLiveTrafficP99Ratio, (n) => n <= 1.2),
    },
    {
      goal: 'freshness p99',
      target: '<= 2 s',
      measured: fmt(h.freshnessP99Seconds, ' s'),
      met: met(h.freshnessP99Seconds, (n) => n <= 2),
    },
    {
      goal: 'archiver peak resident memory',
      target: '<= 200 MB',
      measured: fmt(h.archiverPeakRssMB, ' MB'),
      met: met(h.archiverPeakRssMB, (n) => n <= 200),
    },
    {
      goal: 'throughput at the largest growth size vs the smallest',
      target: '>= 0.9x',
      measured: fmt(h.growthRatio, 'x'),
      met: met(h.growthRatio, (n) => n >= 0.9),
    },
    {
      goal: 'status --json time at the largest operator-queries size vs the smallest (fastest runs)',
      target: '<= 1.2x',
      measured: fmt(h.statusGrowthRatio, 'x'),
      met: met(h.statusGrowthRatio, (n) => n <= 1.2),
    },
    {
      goal: 'plan time at the largest operator-queries size vs the smallest (fastest runs)',
      target: '<= 1.2x',
      measured: fmt(h.planGrowthRatio, 'x'),
      met: met(h.planGrowthRatio, (n) => n <= 1.2),
    },
    {
      goal: 'status ETA error from 25% of the backfill on',
      target: '<= 15%',
      measured: fmt(h.etaMaxErrorPercentFrom25, '%'),
      met: met(h.etaMaxErrorPercentFrom25, (n) => n <= 15),
    },
  ];
}

export function contenders(run: BenchRun): BackfillResult[] {
  return [run.archiver1, run.archiverFullRows, run.archiver2, run.direct, run.throttled, run.copier].filter(
    (r): r is BackfillResult => r !== undefined,
  );
}
