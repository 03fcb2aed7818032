// What every mover (archiver, reconciler, backfill) hands the move, from the settings they share.
import type { MoverSettings } from '../settings.ts';
import { ticketPartition } from '../ticketPartition.ts';
import type { StuckScheduler } from './followUp.ts';
import type { MoveDeps, MoveLog } from './moveTickets.ts';
import type { ColdTicketStore, HotTicketStore } from './ports.ts';

export function moverDeps(
  s: MoverSettings & { INSTANCE_NAME: string },
  o: { hot: HotTicketStore; cold: ColdTicketStore; log: MoveLog; partitions: number; scheduleStuck: StuckScheduler },
): MoveDeps {
  return {
    hot: o.hot,
    cold: o.cold,
    mover: s.INSTANCE_NAME,
    lockTimeoutMs: s.DELETE_LOCK_TIMEOUT,
    coldAfterMs: s.COLD_AFTER,
    dryRun: s.DRY_RUN,
    now: () => new Date(),
    log: o.log,
    partitionOf: (id) => ticketPartition(id, o.partitions),
    scheduleStuck: o.scheduleStuck,
  };
}
