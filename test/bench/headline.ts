// The benchmark's headline figures (the keys the issues name, at the top of results.json) and its goals.
import type { AggregatesResult } from './aggregatesStage.ts';
import type { CostStep } from './coldStoreCosts.ts';
import { growthRatio, type OperatorQueriesResult } from './operatorQueries.ts';
import type { PeerResult } from './peerStage.ts';
import type { ReadsResult } from './readsStage.ts';
import { etaWidestPercentFrom25, etaWithinRangeFrom25Percent } from './etaChecks.ts';
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
  /** The direct backfill by 2 and 3 processes, as the Indexed Job's pods run it (one index each); throttle off. */
  backfillPods: BackfillResult[];
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
  /** The MongoDB Kafka sink connector copying the same topic into the same cold store (copies, never deletes). */
  peer?: PeerResult;
  runSeconds: number;
}

/** During over quiet: for p99 the median of the ratios of neighbouring windows (each pair on the same table, I/O
 * settled before the quiet one); for p50 all during windows against the quiet windows' median. */
export const latencyRatio = (r: BackfillResult | undefined, quantile: 'p50' | 'p99') => {
  if (!r) return Number.NaN;
  if (quantile === 'p99' && r.traffic.p99Ratios) return r.traffic.p99Ratios.median;
  const quiet = spread(r.traffic.quietTraffic.map((q) => q.latency[quantile])).median;
  return r.traffic.backfillTraffic.latency[quantile] / quiet;
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

/** status's median time at a table size of the estimates part, if it ran at that size. */
function statusSecondsAt(run: BenchRun, tickets: number): number | null {
  const at = run.operatorQueries?.sizes.find((s) => s.tickets === tickets);
  return at ? round(at.status.seconds.median, 2) : null;
}

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
    // The direct backfill by 1, 2, 3 processes (pods): what more pods buy on this machine.
    backfillProcessesTicketsPerSecond:
      run.backfillPods.length > 0
        ? Object.fromEntries(
            [run.direct, ...run.backfillPods].flatMap((r, i) =>
              r ? [[String(i + 1), round(r.ticketsPerSecond)]] : [],
            ),
          )
        : null,
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
    slowerCeilingPerSecond: run.ceilings ? round(run.ceilings.best.perSecond) : null,
    coldStoreCeilingWriters: run.ceilings ? run.ceilings.best.writers : null,
    peerTicketsPerSecond: run.peer ? round(run.peer.ticketsPerSecond) : null,
    liveTrafficP99RatioSpread: run.throttled?.traffic.p99Ratios
      ? {
          median: round(run.throttled.traffic.p99Ratios.median, 2),
          min: round(run.throttled.traffic.p99Ratios.min, 2),
          max: round(run.throttled.traffic.p99Ratios.max, 2),
        }
      : null,
    etaWithinRangeFrom25Percent: etaWithinRangeFrom25Percent(run.direct?.eta),
    etaWidestPercentFrom25: etaWidestPercentFrom25(run.direct?.eta),
    hotWalBytesPerTicket: main?.wal ? main.wal.bytes : null,
    statusSecondsAt1M: statusSecondsAt(run, 1_000_000),
    statusSecondsAt10M: statusSecondsAt(run, 10_000_000),
    coldPageP99Ms: run.reads ? round(run.reads.coldPageP99Ms, 1) : null,
    hotPageP99Ms: run.reads ? round(run.reads.hotPageP99Ms, 1) : null,
    compiled: run.settings.program === 'compiled',
    tickets: Number(run.settings.tickets),
    date: run.date,
    machine: run.machine,
  };
}

export function contenders(run: BenchRun): BackfillResult[] {
  return [
    run.archiver1,
    run.archiverFullRows,
    run.archiver2,
    run.direct,
    ...run.backfillPods,
    run.throttled,
    run.copier,
  ].filter((r): r is BackfillResult => r !== undefined);
}
