// Wires the backfill: the tickets topic's partition count (timers are filed where the archiver owning the ticket's
// partition finds them), the movers' kit (the shared move paced by the throttle and MAX_MOVES_PER_SECOND, progress
// for the history), and the slices. Closes what it opened through its lifecycle, however it ends.
import type { Logger } from 'pino';
import { BackfillPlanError, errorMessage } from '../core/errors.ts';
import { DEFAULT_RETRY } from '../core/retry.ts';
import { openMoverKit } from '../movers/moverKit.ts';
import { ticketsPartitionCount } from '../movers/ticketsPartitions.ts';
import type { Lifecycle } from '../runtime/lifecycle.ts';
import { runBackfill, type BackfillDeps, type BackfillSummary } from './backfill.ts';
import type { BackfillSettings } from './settings.ts';
import type { Topic } from '../core/settings.ts';
import type { ArchiveSpec } from '../core/spec/archiveSpec.ts';

export interface BackfillOptions {
  name: string;
  /** Forget the saved progress of this backfill and plan it again. */
  restart: boolean;
  life: Lifecycle;
  onPage?: BackfillDeps['onPage'];
}

export async function backfill(
  s: Topic<BackfillSettings>,
  spec: ArchiveSpec,
  log: Logger,
  o: BackfillOptions,
): Promise<BackfillSummary> {
  const { life } = o;
  try {
    if (o.restart && s.BACKFILL_INDEXES > 1) {
      throw new BackfillPlanError(
        `--restart would forget the progress of all ${s.BACKFILL_INDEXES} processes sharing backfill ${o.name}, ` +
          'while the others go on: plan anew under another --name',
      );
    }
    const partitions = await ticketsPartitionCount(s, `ticket-archiver-${s.INSTANCE_NAME}`);
    // The reconciler retries and escalates what the backfill could not finish.
    const kit = await openMoverKit(s, {
      role: 'backfill',
      spec,
      log,
      life,
      partitions,
      poolSize: 2 * s.BACKFILL_WORKERS + 1,
      scheduleStuck: (_failureClass, _attempts, now) => ({ nextAttemptAt: now, escalated: false }),
    });
    if (o.restart && !s.DRY_RUN) await kit.cold.backfills.forget(o.name);
    return await runBackfill({
      name: o.name,
      workers: s.BACKFILL_WORKERS,
      indexes: s.BACKFILL_INDEXES,
      index: s.JOB_COMPLETION_INDEX,
      pageSize: s.ARCHIVE_BATCH_SIZE,
      coldAfterMs: s.COLD_AFTER,
      dryRun: s.DRY_RUN,
      closed: kit.hot.closed,
      // A dry run with --restart plans afresh without forgetting what is saved.
      progress:
        o.restart && s.DRY_RUN
          ? {
              slicesOf: () => Promise.resolve([]),
              planOnce: () => Promise.resolve(true),
              save: () => Promise.resolve(),
            }
          : kit.cold.backfills,
      move: kit.move,
      setTimers: (timers) => kit.coldMoves.setTimers(timers, new Date()),
      partitionOf: (id) => kit.deps.partitionOf(id),
      stopped: () => life.stopping(),
      retry: DEFAULT_RETRY,
      log,
      ...(o.onPage ? { onPage: o.onPage } : {}),
    });
  } finally {
    await life.close((err) => log.warn({ err: errorMessage(err) }, 'closing failed'));
  }
}
