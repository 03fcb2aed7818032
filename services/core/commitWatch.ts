// What business commits feel, against their own quiet baseline, for the throttle (core/throttle.ts). Business latency
// under our moves is the hot database's WAL flush, so the health reading times commits that must flush (edges/
// hotStore/health.ts). A commit's latency means nothing alone (a disk's fsync is 0.2 ms or 5 ms), so it is compared
// with the same commits measured while nothing of ours moves: in quiet windows that every instance of a group opens
// at the same wall-clock slots (floor(now / every) * every), without talking to each other, and at start.
// Pure: the clock is injected.

/** The percentile compared: high enough to follow the tail business code feels, low enough to hold on 9 samples. */
export const COMMIT_PERCENTILE = 0.9;
/** A quiet p90 below this counts as this: 0.3 → 0.5 ms is scheduling noise, not a 1.7x slower database. */
export const COMMIT_FLOOR_MS = 1;
/** Samples needed on each side before judging (a p90 of fewer is the maximum). */
export const COMMIT_MIN_SAMPLES = 9;
/** Quiet samples kept: about 6 windows, so one noisy window does not set the baseline alone. */
export const QUIET_KEEP = 60;
/** Felt samples kept: 10 readings of three, about 10 s at the default interval. */
export const FELT_KEEP = 30;

export interface CommitSlowdown {
  /** The felt p90 over the quiet p90 (the latter at least COMMIT_FLOOR_MS). */
  ratio: number;
  feltMs: number;
  quietMs: number;
}

/** A judgement; 'settling' while too few commits were measured at the current rate; undefined without a baseline. */
export type CommitVerdict = CommitSlowdown | 'settling' | undefined;

/** The start of the clock-aligned quiet window that `now` falls in, if it falls in one. */
export function quietWindowAt(now: number, everyMs: number, windowMs: number): number | undefined {
  const start = Math.floor(now / everyMs) * everyMs;
  return now - start < windowMs ? start : undefined;
}

/** Nearest-rank percentile (p in (0, 1]) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

export class CommitWatch {
  /** Quiet samples; those of the start are provisional: other instances of the group may have been moving. */
  private quiet: Array<{ ms: number; provisional: boolean }> = [];
  private felt: number[] = [];
  private starting = true;
  private readonly startedAt: number;

  constructor(
    private readonly everyMs: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  private startingAt(t: number): boolean {
    if (this.starting && t - this.startedAt >= this.windowMs) this.starting = false;
    return this.starting;
  }

  /** The baseline of the start is still being taken. */
  startingNow(): boolean {
    return this.startingAt(this.now());
  }

  /** Moves wait now: the baseline of the start is being taken, or a clock-aligned quiet window is open. */
  quietNow(): boolean {
    const t = this.now();
    return this.startingAt(t) || quietWindowAt(t, this.everyMs, this.windowMs) !== undefined;
  }

  /** Commit latencies (ms) of a reading begun at `takenAt`. */
  record(commitMs: readonly number[], takenAt: number): void {
    if (this.startingAt(takenAt)) {
      this.quiet.push(...commitMs.map((ms) => ({ ms, provisional: true })));
      // Enough for a baseline, or nothing to wait for (no commit could be timed): the moves may start.
      if (commitMs.length === 0 || this.quiet.length >= COMMIT_MIN_SAMPLES) this.starting = false;
      return;
    }
    const slot = quietWindowAt(takenAt, this.everyMs, this.windowMs);
    if (slot === undefined) {
      this.felt = [...this.felt, ...commitMs].slice(-FELT_KEEP);
      return;
    }
    // The window's first quarter is left out: moves in flight when it opened still commit, their WAL still flushes.
    if (takenAt - slot < this.windowMs / 4 || commitMs.length === 0) return;
    const kept = this.quiet.filter((q) => !q.provisional);
    this.quiet = [...kept, ...commitMs.map((ms) => ({ ms, provisional: false }))].slice(-QUIET_KEEP);
  }

  /** The rate just went down: judge it on commits measured from now on, not on those that made it go down. */
  restartFelt(): void {
    this.felt = [];
  }

  verdict(): CommitVerdict {
    const quietMs = this.quietP90();
    if (quietMs === undefined) return undefined;
    if (this.felt.length < COMMIT_MIN_SAMPLES) return 'settling';
    const feltMs = percentile(this.felt, COMMIT_PERCENTILE);
    return { ratio: feltMs / Math.max(quietMs, COMMIT_FLOOR_MS), feltMs, quietMs };
  }

  /** The quiet baseline's p90, once there is one. */
  quietP90(): number | undefined {
    if (this.quiet.length < COMMIT_MIN_SAMPLES) return undefined;
    return percentile(
      this.quiet.map((q) => q.ms),
      COMMIT_PERCENTILE,
    );
  }
}
