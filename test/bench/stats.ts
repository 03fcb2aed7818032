// The benchmark's arithmetic: percentiles, the spread of repeated measurements, rates over time. Pure.
import { nearestRank } from '../../services/core/commitWatch.ts';

export interface Distribution {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100), as the throttle takes its own. */
export function percentile(sorted: number[], p: number): number {
  return nearestRank(sorted, p / 100);
}

export function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** Repeated measurements of one quantity: the median is reported, min and max show the run's noise. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(runs: number[]): Spread {
  const sorted = [...runs].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    runs,
  };
}

/** A cumulative count observed over time (ms since the start). */
export interface ProgressSample {
  atMs: number;
  done: number;
}

/**
 * Rate per second in consecutive windows of `windowMs` from the first sample, by linear interpolation of the
 * cumulative count at each window edge. The last window may be shorter (it ends at the last sample).
 */
export function windowRates(
  samples: ProgressSample[],
  windowMs: number,
): Array<{ fromMs: number; toMs: number; perSecond: number }> {
  if (samples.length < 2) return [];
  const at = (t: number): number => {
    for (let i = 1; i < samples.length; i++) {
      const a = samples[i - 1] as ProgressSample;
      const b = samples[i] as ProgressSample;
      if (t <= b.atMs)
        return b.atMs === a.atMs ? b.done : a.done + ((b.done - a.done) * (t - a.atMs)) / (b.atMs - a.atMs);
    }
    return (samples[samples.length - 1] as ProgressSample).done;
  };
  const start = (samples[0] as ProgressSample).atMs;
  const end = (samples[samples.length - 1] as ProgressSample).atMs;
  const windows = [];
  for (let from = start; from < end; from += windowMs) {
    const to = Math.min(end, from + windowMs);
    if (to - from < windowMs / 4 && windows.length > 0) break; // a sliver at the end says nothing
    windows.push({ fromMs: from - start, toMs: to - start, perSecond: ((at(to) - at(from)) * 1000) / (to - from) });
  }
  return windows;
}

export const round = (n: number, digits = 1): number =>
  Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n;
