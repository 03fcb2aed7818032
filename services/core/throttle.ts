// The throttle that protects business traffic, in the spirit of pt-archiver's --max-lag and gh-ost's throttling: the
// movers watch the hot database as business code sees it and move slower, or not at all, while it suffers.
// Pure: each reading of the database's health gives the next allowed rate (additive increase, multiplicative
// decrease), so the rate settles where the database stays within its bounds.
import type { CommitVerdict } from './commitWatch.ts';

export interface HealthSample {
  /** Latency of a cheap query a business request would make (a primary-key read of tickets), in ms. */
  probeMs: number;
  /** Sessions waiting for a lock in the hot database. */
  lockWaits: number;
  /** Replay lag of the slowest replica in ms (0 without replicas). */
  replicaLagMs: number;
  /** Latencies of commits that waited for their WAL flush, as a business commit does, in ms (none when not timed). */
  commitMs: number[];
  /** Why commits cannot be timed here, if they cannot (the reading goes on without them). */
  commitProbeFailure?: string;
}

export interface ThrottleBounds {
  probeMs: number;
  lockWaits: number;
  replicaLagMs: number;
  /** Commits' p90 over their quiet p90 (core/commitWatch.ts); 0: commits are not timed. */
  commitSlowdown: number;
  /** The slowest rate kept while slowed (moves per second); below it the throttle pauses instead. */
  minRate: number;
  /** Rate added per healthy reading (moves per second). */
  step: number;
}

export type ThrottleMode = 'open' | 'slowed' | 'paused';

export interface ThrottleState {
  mode: ThrottleMode;
  /** Moves per second allowed; Infinity when open. */
  rate: number;
  /** What the last reading found beyond its bound, if anything. */
  reason?: string;
}

export const OPEN: ThrottleState = { mode: 'open', rate: Number.POSITIVE_INFINITY };

/** How far past its bound the worst measure is (1 = at the bound), and which one. */
function pressure(sample: HealthSample, b: ThrottleBounds, commits: CommitVerdict): { ratio: number; reason: string } {
  const measures: Array<[number, string]> = [
    [sample.probeMs / b.probeMs, `probe ${sample.probeMs.toFixed(1)} ms (bound ${b.probeMs} ms)`],
    [
      sample.lockWaits / Math.max(1, b.lockWaits),
      `${sample.lockWaits} sessions waiting for locks (bound ${b.lockWaits})`,
    ],
    [
      sample.replicaLagMs / b.replicaLagMs,
      `replica lag ${Math.round(sample.replicaLagMs)} ms (bound ${b.replicaLagMs} ms)`,
    ],
  ];
  if (typeof commits === 'object' && b.commitSlowdown > 0) {
    const { ratio, feltMs, quietMs } = commits;
    measures.push([
      ratio / b.commitSlowdown,
      `commits ${ratio.toFixed(1)}x their quiet latency (p90 ${feltMs.toFixed(1)} ms vs ${quietMs.toFixed(1)} ms, bound ${b.commitSlowdown}x)`,
    ]);
  }
  const [ratio, reason] = measures.reduce((worst, m) => (m[0] > worst[0] ? m : worst));
  return { ratio, reason };
}

/**
 * The next state after a reading. Past a bound: the rate is halved (from `observedRate`, what was really moved, when
 * open), and at twice a bound, or below the minimum rate, the movers pause. Within the bounds: the rate grows by `step`
 * until it exceeds what is being moved by far, and the throttle opens. While too few commits were timed at the current
 * rate to judge it ('settling'), a reading within the other bounds holds the state.
 */
export function nextThrottle(
  state: ThrottleState,
  sample: HealthSample,
  b: ThrottleBounds,
  observedRate: number,
  commits?: CommitVerdict,
): ThrottleState {
  const { ratio, reason } = pressure(sample, b, commits);
  if (ratio > 2) return { mode: 'paused', rate: 0, reason };
  if (ratio > 1) {
    const from = state.mode === 'open' ? Math.max(b.minRate, observedRate) : state.rate;
    const rate = Math.floor(from / 2);
    return rate < b.minRate ? { mode: 'paused', rate: 0, reason } : { mode: 'slowed', rate, reason };
  }
  if (state.mode === 'open' || commits === 'settling') return state;
  const rate = Math.max(b.minRate, state.rate + b.step);
  // Far above what is moved: no longer a constraint.
  return rate > 4 * Math.max(observedRate, b.minRate) && state.mode === 'slowed' ? OPEN : { mode: 'slowed', rate };
}
