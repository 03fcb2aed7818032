// The archiver's way into the move: the movers' kit's paced and counted move (movers/moverKit.ts), measured in the
// archiver's metrics. Callers hold the partition's queue (partitionQueues.ts): two moves of one ticket never overlap
// in an instance.
import type { Candidate } from '../core/move/followUp.ts';
import { countOutcomes, type TicketOutcome } from '../core/move/outcome.ts';
import type { MoveOrigin } from '../core/move/ports.ts';
import type { MoverKit } from '../movers/moverKit.ts';
import type { ArchiverMetrics } from './metrics.ts';

export type MoveSource = 'events' | 'timers';

export interface MoveRunner {
  /** `where`: the partition and offsets of the events that asked for the move (the evidence an audit shows). */
  move(source: MoveSource, candidates: Candidate[], where?: Omit<MoveOrigin, 'source'>): Promise<TicketOutcome[]>;
  /** Records the candidates as stuck deletions with the reason: for work retrying cannot cure. */
  giveUp(source: MoveSource, candidates: Candidate[], err: unknown): Promise<TicketOutcome[]>;
}

export function moveRunner(kit: Pick<MoverKit, 'move' | 'giveUp'>, metrics: ArchiverMetrics): MoveRunner {
  const measured = async (source: MoveSource, candidates: Candidate[], work: () => Promise<TicketOutcome[]>) => {
    const end = metrics.batchDuration.startTimer({ source });
    metrics.movesInFlight.inc(candidates.length);
    try {
      const outcomes = await work();
      for (const [outcome, n] of Object.entries(countOutcomes(outcomes))) metrics.moves.inc({ outcome }, n);
      metrics.stuckRecorded.inc(outcomes.filter((o) => o.outcome === 'stuck').length);
      return outcomes;
    } finally {
      metrics.movesInFlight.dec(candidates.length);
      end();
    }
  };
  return {
    move: (source, candidates, where) => measured(source, candidates, () => kit.move(candidates, { source, ...where })),
    giveUp: (source, candidates, err) => measured(source, candidates, () => kit.giveUp(candidates, err)),
  };
}
