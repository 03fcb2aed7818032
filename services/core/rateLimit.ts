// A token bucket for the move rate: the operator's hard cap (MAX_MOVES_PER_SECOND) and, below it, what the throttle
// allows at the moment (throttle.ts), which may be nothing (paused). A mover that is stopping does not wait here: a
// paused throttle could otherwise hold its shutdown until the watchdog kills it. Clock and sleep are injected for tests.
import { setTimeout as sleep } from 'node:timers/promises';
import { RetryAbandonedError } from './errors.ts';

/** While paused (or waiting for a long gap), how often the limiter looks again. */
const POLL_MS = 250;

export interface MoveRateLimits {
  /** Hard cap in moves per second; 0 means none. */
  cap: number;
  /** The rate allowed at this moment besides the cap: Infinity for no limit, 0 to pause. */
  allowed?: () => number;
  /** True once the mover shuts down: a wait ends with RetryAbandonedError (nothing moved, nothing committed). */
  stopping?: () => boolean;
  now?: () => number;
  wait?: (ms: number) => Promise<unknown>;
}

export class MoveRateLimiter {
  private tokens: number;
  private last: number;
  private readonly cap: number;
  private readonly allowed: () => number;
  private readonly stopping: () => boolean;
  private readonly now: () => number;
  private readonly wait: (ms: number) => Promise<unknown>;

  constructor(limits: MoveRateLimits) {
    this.cap = limits.cap;
    this.allowed = limits.allowed ?? (() => Number.POSITIVE_INFINITY);
    this.stopping = limits.stopping ?? (() => false);
    this.now = limits.now ?? Date.now;
    this.wait = limits.wait ?? sleep;
    this.tokens = this.cap > 0 ? this.cap : 0;
    this.last = this.now();
  }

  private rate(): number {
    return Math.min(this.cap > 0 ? this.cap : Number.POSITIVE_INFINITY, this.allowed());
  }

  /** Waits until `n` moves are allowed. Burst is one second's worth. Throws RetryAbandonedError if the mover stops
   * while it waits. */
  async take(n: number): Promise<void> {
    for (;;) {
      const rate = this.rate();
      const t = this.now();
      if (!Number.isFinite(rate)) {
        this.last = t;
        return;
      }
      let gapMs: number;
      if (rate <= 0) {
        this.last = t;
        this.tokens = 0;
        gapMs = POLL_MS;
      } else {
        this.tokens = Math.min(rate, this.tokens + ((t - this.last) / 1000) * rate);
        this.last = t;
        const need = Math.min(n, rate);
        if (this.tokens >= need) {
          this.tokens -= n;
          return;
        }
        gapMs = Math.ceil(((need - this.tokens) / rate) * 1000);
      }
      if (this.stopping()) throw new RetryAbandonedError('the mover is stopping: this batch is left for the next run');
      await this.wait(Math.min(gapMs, POLL_MS));
    }
  }
}
