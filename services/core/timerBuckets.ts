// Which timers one poll reads. FerretDB 1.x evaluates a range on dueAt by fetching every timer of the partition, so
// a poll of "all due timers" costs in proportion to the timers waiting (measured: ~35 ms per 1,000, every second,
// competing with the moves for the cold store). Each timer therefore also carries the 10-second bucket it falls due
// in, and a poll reads by bucket equality (pushed down to the backend): the buckets since the previous poll, plus
// the one before it for timers written just after that poll. A whole-partition scan still runs when a partition is
// newly assigned, after a gap, and once a minute, for anything written late into an older bucket. Pure.

export const TIMER_BUCKET_MS = 10_000;
/** A partition not polled for longer than this many buckets is scanned whole instead. */
export const MAX_BUCKETS_PER_POLL = 30;
export const FULL_SCAN_EVERY_MS = 60_000;

export function timerBucket(dueAt: Date | number): number {
  return Math.floor((typeof dueAt === 'number' ? dueAt : dueAt.getTime()) / TIMER_BUCKET_MS);
}

/** What is known of a partition's earlier polls (nothing, for a partition just assigned). */
export interface PartitionPolls {
  /** The bucket of the last poll that found every due timer and moved them. */
  polledBucket: number;
  fullScanAtMs: number;
}

export type TimerPoll = { kind: 'full' } | { kind: 'buckets'; buckets: number[] };

export function timerPoll(previous: PartitionPolls | undefined, nowMs: number): TimerPoll {
  const current = timerBucket(nowMs);
  if (previous === undefined || nowMs - previous.fullScanAtMs >= FULL_SCAN_EVERY_MS || current - previous.polledBucket > MAX_BUCKETS_PER_POLL) {
    return { kind: 'full' };
  }
  const buckets: number[] = [];
  for (let b = Math.min(previous.polledBucket - 1, current); b <= current; b++) buckets.push(b);
  return { kind: 'buckets', buckets };
}

/** The partition's record after a poll at `nowMs` whose due timers were all moved. */
export function afterPoll(previous: PartitionPolls | undefined, poll: TimerPoll, nowMs: number): PartitionPolls {
  return { polledBucket: timerBucket(nowMs), fullScanAtMs: poll.kind === 'full' ? nowMs : (previous?.fullScanAtMs ?? nowMs) };
}
