// What business commits feel, against their own quiet baseline, for the throttle (core/throttle.ts). Business latency
// under our moves is the hot database's WAL flush, so the health reading times commits that must flush (edges/
// hotStore/health.ts). A commit's latency means nothing alone (a disk's fsync is 0.2 ms or 5 ms), so it is compared
// with the same commits measured while nothing of ours moves: in quiet windows that every instance of a group opens
// at the same wall-clock slots (floor(now / every) * every), without talking to each other, and at start.
// Pure: the clock is injected.

/** The percentile compared: high enough to follow the tail business code feels, low enough to hold on a few samples. */
export const COMMIT_PERCENTILE = 0.9;
/** Commits timed per reading while moving: the felt ones. */
export const FELT_COMMITS = 3;
/** Commits timed per reading while nothing moves: a window has few readings, and a baseline of few samples has its
 * p90 at an outlier (on a shared host one in ten commits can take 5x the median). */
export const QUIET_COMMITS = 10;
/** Felt samples kept: 10 readings, about 10 s at the default interval. */
export const FELT_KEEP = 30;
/** Felt samples needed to judge: 4 readings; the p90 of 12 ignores one outlier. */
export const FELT_MIN = 12;
/** Quiet samples kept: two windows, so one noisy window does not set the baseline alone. */
export const QUIET_KEEP = 60;
/** Quiet samples needed for a baseline; at start the moves wait for START_SAMPLES (a burst of about 0.1 s). */
export const QUIET_MIN = 20;
export const START_SAMPLES = 30;

export interface CommitSlowdown {
  /** The felt p90 over the quiet p90 (the latter at least the floor). */
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

/** Nearest-rank percentile (p in (0, 1]) of an ascending list; NaN of an empty one. */
export function nearestRank(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

/** Nearest-rank percentile (p in (0, 1]) of a list in any order. */
export function percentile(values: readonly number[], p: number): number {
  return nearestRank(
    [...values].sort((a, b) => a - b),
    p,
  );
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
    /** A quiet p90 below this counts as this (THROTTLE_COMMIT_FLOOR): 0.5 → 1.5 ms on a shared host is scheduling
     * noise, not a 3x slower database. */
    private readonly floorMs: number,
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

  /** Commits the next reading should time. */
  commitsToTime(): number {
    return this.quietNow() ? QUIET_COMMITS : FELT_COMMITS;
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
      if (commitMs.length === 0 || this.quiet.length >= START_SAMPLES) this.starting = false;
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
    if (this.felt.length < FELT_MIN) return 'settling';
    const feltMs = percentile(this.felt, COMMIT_PERCENTILE);
    return { ratio: feltMs / Math.max(quietMs, this.floorMs), feltMs, quietMs };
  }

  /** The quiet baseline's p90, once there is one. */
  quietP90(): number | undefined {
    if (this.quiet.length < QUIET_MIN) return undefined;
    return percentile(
      this.quiet.map((q) => q.ms),
      COMMIT_PERCENTILE,
    );
  }
}
