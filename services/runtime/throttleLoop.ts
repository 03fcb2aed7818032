// Runs the throttle (core/throttle.ts): a reading of the hot database's health every interval, the next allowed rate
// from it, and a log line whenever the throttle opens, slows or pauses. The movers' rate limiter asks `allowed()`.
// When commits are judged (THROTTLE_COMMIT_SLOWDOWN), moves also wait while the commits' quiet baseline is measured
// (core/commitWatch.ts): at start, and in the clock-aligned windows every instance of a group opens at the same moment;
// the state before a window is kept. Without that bound no commit is timed and moves never wait for a baseline.
import type { Logger } from 'pino';
import { CommitWatch, type CommitVerdict } from '../core/commitWatch.ts';
import { ConfigError, errorMessage } from '../core/errors.ts';
import type { MoverSettings } from '../core/settings.ts';
import { nextThrottle, OPEN, type HealthSample, type ThrottleBounds, type ThrottleState } from '../core/throttle.ts';
import type { Lifecycle } from './lifecycle.ts';

export interface ThrottleLoop {
  /** Moves per second allowed now: Infinity when open, 0 when paused. */
  allowed(): number;
  state(): ThrottleState;
}

export interface ThrottleLoopDeps {
  enabled: boolean;
  bounds: ThrottleBounds;
  intervalMs: number;
  /** Every how long the quiet window opens (wall-clock slots), for how long, and the quiet p90's floor. */
  baseline: { everyMs: number; windowMs: number; floorMs: number };
  /** A reading that times `commits` commits. */
  sample(commits: number): Promise<HealthSample>;
  /** Moves done so far (a counter), to know the rate really moved. */
  moved(): number;
  log: Logger;
  /** Told after every reading (metrics). */
  onReading?(sample: HealthSample, state: ThrottleState, commits: CommitVerdict, quietP90Ms?: number): void;
  now?: () => number;
}

export const MEASURING_QUIET: ThrottleState = { mode: 'paused', rate: 0, reason: 'measuring quiet commit latency' };

const round2 = (ms: number) => Number(ms.toFixed(2));

/** Starts reading (when enabled) until `life` stops. */
export function throttleLoop(d: ThrottleLoopDeps, life: Lifecycle): ThrottleLoop {
  const now = d.now ?? Date.now;
  const watch =
    d.bounds.commitSlowdown > 0
      ? new CommitWatch(d.baseline.everyMs, d.baseline.windowMs, d.baseline.floorMs, now)
      : undefined;
  const quietNow = () => watch?.quietNow() ?? false;
  let state: ThrottleState = OPEN;
  let lastMoved = d.moved();
  let lastAt = now();
  let failureTold = false;

  async function read(): Promise<HealthSample> {
    const takenAt = now();
    const sample = await d.sample(watch?.commitsToTime() ?? 0);
    watch?.record(sample.commitMs, takenAt);
    if (sample.commitProbeFailure && !failureTold) {
      failureTold = true;
      d.log.warn({ err: sample.commitProbeFailure }, 'throttle cannot time commits; it steers on the other measures');
    }
    return sample;
  }

  async function tick(): Promise<void> {
    let sample = await read();
    // The baseline of the start is taken at once rather than one reading an interval: the first moves wait for it.
    while (watch?.startingNow() && sample.commitMs.length > 0 && !life.stopping()) sample = await read();
    if (watch?.quietNow()) {
      // What was moved before the window says nothing of the rate after it.
      lastMoved = d.moved();
      lastAt = now();
      d.onReading?.(sample, MEASURING_QUIET, undefined, watch.quietP90());
      return;
    }
    const at = now();
    const moved = d.moved();
    const observedRate = ((moved - lastMoved) * 1000) / Math.max(1, at - lastAt);
    lastMoved = moved;
    lastAt = at;
    const commits = watch?.verdict();
    const next = nextThrottle(state, sample, d.bounds, observedRate, commits);
    if (next.rate < state.rate) watch?.restartFelt();
    if (next.mode !== state.mode) logChange(next, sample, commits);
    state = next;
    d.onReading?.(sample, state, commits, watch?.quietP90());
  }

  function logChange(next: ThrottleState, sample: HealthSample, commits: CommitVerdict): void {
    const fields = {
      throttle: next.mode,
      rate: Number.isFinite(next.rate) ? next.rate : 'unlimited',
      reason: next.reason,
      probeMs: round2(sample.probeMs),
      lockWaits: sample.lockWaits,
      replicaLagMs: sample.replicaLagMs,
      ...(typeof commits === 'object'
        ? {
            commitP90Ms: round2(commits.feltMs),
            quietCommitP90Ms: round2(commits.quietMs),
            commitSlowdown: round2(commits.ratio),
          }
        : {}),
    };
    if (next.mode === 'open') d.log.info(fields, 'throttle open: the hot database is within its bounds');
    else
      d.log.warn(
        fields,
        next.mode === 'paused'
          ? 'throttle paused moves: the hot database is past its bounds'
          : 'throttle slowed moves: the hot database is past its bounds',
      );
  }

  if (d.enabled) {
    life.every(d.intervalMs, tick, (err) => d.log.warn({ err: errorMessage(err) }, 'throttle reading failed'), true);
  }
  return {
    allowed: () => (!d.enabled ? Number.POSITIVE_INFINITY : quietNow() ? 0 : state.rate),
    state: () => (d.enabled && quietNow() ? MEASURING_QUIET : state),
  };
}

/** The throttle as the movers' shared settings configure it. */
export function moverThrottle(
  s: MoverSettings,
  deps: Pick<ThrottleLoopDeps, 'sample' | 'moved' | 'log' | 'onReading'>,
  life: Lifecycle,
): ThrottleLoop {
  if (s.THROTTLE && s.THROTTLE_COMMIT_SLOWDOWN > 0 && s.THROTTLE_BASELINE_WINDOW * 2 > s.THROTTLE_BASELINE_EVERY)
    throw new ConfigError([
      `THROTTLE_BASELINE_WINDOW: expected at most half of THROTTLE_BASELINE_EVERY (${s.THROTTLE_BASELINE_EVERY} ms), got ${s.THROTTLE_BASELINE_WINDOW} ms`,
    ]);
  return throttleLoop(
    {
      enabled: s.THROTTLE,
      bounds: {
        probeMs: s.THROTTLE_PROBE_LATENCY,
        lockWaits: s.THROTTLE_LOCK_WAITS,
        replicaLagMs: s.THROTTLE_REPLICA_LAG,
        commitSlowdown: s.THROTTLE_COMMIT_SLOWDOWN,
        minRate: s.THROTTLE_MIN_RATE,
        step: s.THROTTLE_MIN_RATE,
      },
      intervalMs: s.THROTTLE_INTERVAL,
      baseline: {
        everyMs: s.THROTTLE_BASELINE_EVERY,
        windowMs: s.THROTTLE_BASELINE_WINDOW,
        floorMs: s.THROTTLE_COMMIT_FLOOR,
      },
      ...deps,
    },
    life,
  );
}
