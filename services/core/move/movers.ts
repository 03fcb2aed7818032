// What every mover (archiver, reconciler, backfill) hands the move, from the settings they share.
import type { MoverSettings } from '../settings.ts';
import type { ArchiveSpec } from '../spec/archiveSpec.ts';
import { typedColumns } from '../spec/listFields.ts';
import { eventKeyBytes } from '../spec/ticketKeys.ts';
import { ticketPartition } from '../ticketPartition.ts';
import type { StuckScheduler } from './followUp.ts';
import type { MoveDeps, MoveLog } from './moveTickets.ts';
import type { ColdTicketStore, HotTicketStore } from './ports.ts';

export function moverDeps(
  s: MoverSettings & { INSTANCE_NAME: string },
  o: {
    spec: ArchiveSpec;
    hot: HotTicketStore;
    cold: ColdTicketStore;
    log: MoveLog;
    partitions: number;
    scheduleStuck: StuckScheduler;
  },
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
    partitionOf: (id) => ticketPartition(eventKeyBytes(o.spec.key, id), o.partitions),
    scheduleStuck: o.scheduleStuck,
    copy: { typed: typedColumns(o.spec), timeZone: o.spec.activity.timeZone ?? 'UTC' },
  };
}
