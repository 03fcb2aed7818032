// The archiver's cumulative counters, read from its metrics, for its per-minute progress samples (the history).
import type { ProgressCounters } from '../core/progressSample.ts';
import type { ArchiverMetrics } from './metrics.ts';

export async function archiverCounters(metrics: ArchiverMetrics): Promise<ProgressCounters> {
  const moves = Object.fromEntries((await metrics.moves.get()).values.map((v) => [String(v.labels.outcome), v.value]));
  const sum = async (m: { get(): Promise<{ values: Array<{ value: number }> }> }) =>
    (await m.get()).values.reduce((a, v) => a + v.value, 0);
  const batches = (await metrics.batchDuration.get()).values;
  const of = (suffix: string) => batches.filter((v) => v.metricName?.endsWith(suffix)).reduce((a, v) => a + v.value, 0);
  return {
    moves,
    stuckRecorded: await sum(metrics.stuckRecorded),
    deadLettered: await sum(metrics.deadLettered),
    batches: { count: of('_count'), seconds: of('_sum') },
  };
}

export async function archiverLag(metrics: ArchiverMetrics): Promise<number> {
  return (await metrics.lag.get()).values.reduce((a, v) => a + v.value, 0);
}
