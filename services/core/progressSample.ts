// One instance's progress over one minute, as kept for months (the history operators query): what was moved and how
// it ended, what got stuck or dead-lettered, the lag, the time the moves took, and the throttle.

export interface ProgressCounters {
  /** Tickets by move outcome. */
  moves: Record<string, number>;
  stuckRecorded: number;
  deadLettered: number;
  /** Moves (batches) and their summed duration. */
  batches: { count: number; seconds: number };
}

export interface ProgressSample extends ProgressCounters {
  /** `<instance>/<minute>` */
  _id: string;
  /** Start of the minute the sample covers. */
  at: Date;
  instance: string;
  role: 'archiver' | 'reconciler' | 'backfill';
  /** The group's committed lag at the end of the minute (archiver). */
  lag?: number;
  throttle?: { mode: string; rate: number | null };
  expireAt: Date;
}

/** What happened between two readings of cumulative counters. */
export function countersBetween(before: ProgressCounters, after: ProgressCounters): ProgressCounters {
  const moves: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.moves)) {
    const d = v - (before.moves[k] ?? 0);
    if (d > 0) moves[k] = d;
  }
  return {
    moves,
    stuckRecorded: after.stuckRecorded - before.stuckRecorded,
    deadLettered: after.deadLettered - before.deadLettered,
    batches: {
      count: after.batches.count - before.batches.count,
      seconds: Math.round((after.batches.seconds - before.batches.seconds) * 1000) / 1000,
    },
  };
}
