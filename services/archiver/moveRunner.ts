// The archiver's way into the move: the operator's rate cap first, then the shared move, counted in the metrics.
// Callers hold the partition's queue (partitionQueues.ts): two moves of one ticket never overlap in an instance.
import { moveTickets, recordUnmovable, type Candidate, type MoveDeps } from '../core/move/moveTickets.ts';
import { countOutcomes, type TicketOutcome } from '../core/move/outcome.ts';
import type { MoveOrigin } from '../core/move/ports.ts';
import type { MoveRateLimiter } from '../core/rateLimit.ts';
import type { ArchiverMetrics } from './metrics.ts';

export type MoveSource = 'events' | 'timers';

export interface MoveRunner {
  /** `where`: the partition and offsets of the events that asked for the move (the evidence an audit shows). */
  move(source: MoveSource, candidates: Candidate[], where?: Omit<MoveOrigin, 'source'>): Promise<TicketOutcome[]>;
  /** Records the candidates as stuck deletions with the reason: for work retrying cannot cure. */
  giveUp(source: MoveSource, candidates: Candidate[], err: unknown): Promise<TicketOutcome[]>;
}

/** `onMoved` is told how many tickets each move took out of the hot table (the throttle's observed rate). */
export function moveRunner(
  deps: MoveDeps,
  limiter: MoveRateLimiter,
  metrics: ArchiverMetrics,
  onMoved: (n: number) => void = () => undefined,
): MoveRunner {
  const counted = async (source: MoveSource, candidates: Candidate[], work: () => Promise<TicketOutcome[]>) => {
    const end = metrics.batchDuration.startTimer({ source });
    metrics.movesInFlight.inc(candidates.length);
    try {
      const outcomes = await work();
      const counts = countOutcomes(outcomes);
      for (const [outcome, n] of Object.entries(counts)) metrics.moves.inc({ outcome }, n);
      onMoved(counts.archived ?? 0);
      metrics.stuckRecorded.inc(outcomes.filter((o) => o.outcome === 'stuck').length);
      return outcomes;
    } finally {
      metrics.movesInFlight.dec(candidates.length);
      end();
    }
  };
  return {
    async move(source, candidates, where) {
      await limiter.take(candidates.length);
      return counted(source, candidates, () => moveTickets(deps, candidates, { source, ...where }));
    },
    giveUp: (source, candidates, err) => counted(source, candidates, () => recordUnmovable(deps, candidates, err)),
  };
}
