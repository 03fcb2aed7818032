// Runs the throttle (core/throttle.ts): a reading of the hot database's health every interval, the next allowed rate
// from it, and a log line whenever the throttle opens, slows or pauses. The movers' rate limiter asks `allowed()`.
import type { Logger } from 'pino';
import { errorMessage } from '../core/errors.ts';
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
  sample(): Promise<HealthSample>;
  /** Moves done so far (a counter), to know the rate really moved. */
  moved(): number;
  log: Logger;
  /** Told after every reading (metrics). */
  onReading?(sample: HealthSample, state: ThrottleState): void;
}

/** Starts reading (when enabled) until `life` stops. */
export function throttleLoop(d: ThrottleLoopDeps, life: Lifecycle): ThrottleLoop {
  let state: ThrottleState = OPEN;
  let lastMoved = d.moved();
  let lastAt = Date.now();

  async function tick(): Promise<void> {
    const sample = await d.sample();
    const now = Date.now();
    const moved = d.moved();
    const observedRate = ((moved - lastMoved) * 1000) / Math.max(1, now - lastAt);
    lastMoved = moved;
    lastAt = now;
    const next = nextThrottle(state, sample, d.bounds, observedRate);
    if (next.mode !== state.mode) {
      const fields = {
        throttle: next.mode,
        rate: Number.isFinite(next.rate) ? next.rate : 'unlimited',
        reason: next.reason,
        probeMs: Number(sample.probeMs.toFixed(2)),
        lockWaits: sample.lockWaits,
        replicaLagMs: sample.replicaLagMs,
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
    state = next;
    d.onReading?.(sample, state);
  }

  if (d.enabled) {
    life.every(d.intervalMs, tick, (err) => d.log.warn({ err: errorMessage(err) }, 'throttle reading failed'));
  }
  return {
    allowed: () => (d.enabled ? state.rate : Number.POSITIVE_INFINITY),
    state: () => state,
  };
}

/** The throttle as the movers' shared settings configure it. */
export function moverThrottle(
  s: MoverSettings,
  deps: Pick<ThrottleLoopDeps, 'sample' | 'moved' | 'log' | 'onReading'>,
  life: Lifecycle,
): ThrottleLoop {
  return throttleLoop(
    {
      enabled: s.THROTTLE,
      bounds: {
        probeMs: s.THROTTLE_PROBE_LATENCY,
        lockWaits: s.THROTTLE_LOCK_WAITS,
        replicaLagMs: s.THROTTLE_REPLICA_LAG,
        minRate: s.THROTTLE_MIN_RATE,
        step: s.THROTTLE_MIN_RATE,
      },
      intervalMs: s.THROTTLE_INTERVAL,
      ...deps,
    },
    life,
  );
}
