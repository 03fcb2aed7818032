// A token bucket for the operator's maximum move rate. Clock and sleep are injected for tests.

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class MoveRateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number) => Promise<unknown> = sleepFor,
  ) {
    this.tokens = perSecond;
    this.last = now();
  }

  /** Waits until `n` moves are allowed. A rate of 0 means unlimited. Burst is one second's worth. */
  async take(n: number): Promise<void> {
    if (this.perSecond <= 0) return;
    for (;;) {
      const t = this.now();
      this.tokens = Math.min(this.perSecond, this.tokens + ((t - this.last) / 1000) * this.perSecond);
      this.last = t;
      const need = Math.min(n, this.perSecond);
      if (this.tokens >= need) {
        this.tokens -= n;
        return;
      }
      await this.wait(Math.ceil(((need - this.tokens) / this.perSecond) * 1000));
    }
  }
}
