// A token bucket for the move rate: the operator's hard cap (MAX_MOVES_PER_SECOND) and, below it, what the throttle
// allows at the moment (throttle.ts), which may be nothing (paused). Clock and sleep are injected for tests.
import { setTimeout as sleep } from 'node:timers/promises';

/** While paused, how often the limiter looks again. */
const PAUSED_POLL_MS = 250;

export class MoveRateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    /** Hard cap in moves per second; 0 means none. */
    private readonly cap: number,
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number) => Promise<unknown> = sleep,
    /** The rate allowed at this moment besides the cap: Infinity for no limit, 0 to pause. */
    private readonly allowed: () => number = () => Number.POSITIVE_INFINITY,
  ) {
    this.tokens = cap > 0 ? cap : 0;
    this.last = now();
  }

  private rate(): number {
    return Math.min(this.cap > 0 ? this.cap : Number.POSITIVE_INFINITY, this.allowed());
  }

  /** Waits until `n` moves are allowed. Burst is one second's worth. */
  async take(n: number): Promise<void> {
    for (;;) {
      const rate = this.rate();
      const t = this.now();
      if (!Number.isFinite(rate)) {
        this.last = t;
        return;
      }
      if (rate <= 0) {
        this.last = t;
        this.tokens = 0;
        await this.wait(PAUSED_POLL_MS);
        continue;
      }
      this.tokens = Math.min(rate, this.tokens + ((t - this.last) / 1000) * rate);
      this.last = t;
      const need = Math.min(n, rate);
      if (this.tokens >= need) {
        this.tokens -= n;
        return;
      }
      await this.wait(Math.ceil(((need - this.tokens) / rate) * 1000));
    }
  }
}
