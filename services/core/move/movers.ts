// What every mover (archiver, reconciler, backfill) hands the move, from the settings they share, and the move paced
// by the rate limiter (the operator's cap and the throttle).
import { MoveRateLimiter } from '../rateLimit.ts';
import type { MoverSettings } from '../settings.ts';
import { ticketPartition } from '../ticketPartition.ts';
import type { Candidate, StuckScheduler } from './followUp.ts';
import { moveTickets, type MoveDeps, type MoveLog } from './moveTickets.ts';
import type { TicketOutcome } from './outcome.ts';
import type { ColdTicketStore, HotTicketStore, MoveOrigin } from './ports.ts';

export function moverDeps(
  s: MoverSettings & { INSTANCE_NAME: string },
  o: {
    hot: HotTicketStore;
    cold: ColdTicketStore;
    log: MoveLog;
    partitions: number;
    scheduleStuck: StuckScheduler;
    dryRun?: boolean;
  },
): MoveDeps {
  return {
    hot: o.hot,
    cold: o.cold,
    mover: s.INSTANCE_NAME,
    lockTimeoutMs: s.DELETE_LOCK_TIMEOUT,
    coldAfterMs: s.COLD_AFTER,
    dryRun: o.dryRun ?? false,
    now: () => new Date(),
    log: o.log,
    partitionOf: (id) => ticketPartition(id, o.partitions),
    scheduleStuck: o.scheduleStuck,
  };
}

/** The move, taken at the rate the limiter allows; `onMoved` is told how many tickets each move archived. */
export function pacedMove(
  d: MoveDeps,
  limiter: MoveRateLimiter,
  onMoved: (archived: number) => void,
): (candidates: Candidate[], origin: MoveOrigin) => Promise<TicketOutcome[]> {
  return async (candidates, origin) => {
    await limiter.take(candidates.length);
    const outcomes = await moveTickets(d, candidates, origin);
    onMoved(outcomes.filter((o) => o.outcome === 'archived').length);
    return outcomes;
  };
}
