// Wires the reconciler: the tickets topic's partition count (timers are filed where the archiver owning the ticket's
// partition finds them; no count, no pass), the movers' kit, and the pass; runs once, or every RECONCILE_INTERVAL
// until its lifecycle stops.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { errorMessage } from '../core/errors.ts';
import { nextStuckAttempt } from '../core/move/stuckSchedule.ts';
import { openMoverKit } from '../movers/moverKit.ts';
import { ticketsPartitionCount } from '../movers/ticketsPartitions.ts';
import type { Lifecycle } from '../runtime/lifecycle.ts';
import { reconcileOnce, type PassSummary } from './reconcilePass.ts';
import type { ReconcilerSettings } from './settings.ts';
import type { Topic } from '../core/settings.ts';
import type { ArchiveSpec } from '../core/spec/archiveSpec.ts';

export async function runReconciler(
  s: Topic<ReconcilerSettings>,
  spec: ArchiveSpec,
  log: Logger,
  o: { once: boolean; life: Lifecycle },
): Promise<PassSummary[]> {
  const { life } = o;
  try {
    const partitions = await ticketsPartitionCount(s, `ticket-archiver-${s.INSTANCE_NAME}`);
    const stuckPolicy = {
      baseMs: s.STUCK_RETRY_BASE,
      maxMs: s.STUCK_RETRY_MAX,
      maxPermanentAttempts: s.MAX_PERMANENT_ATTEMPTS,
    };
    // Timers the reconciler sets (a held ticket, one not yet due) belong to the archiver's group, which fires them.
    // Stuck deletions back off exponentially and go to an operator after MAX_PERMANENT_ATTEMPTS permanent failures.
    const kit = await openMoverKit(s, {
      role: 'reconciler',
      spec,
      log,
      life,
      partitions,
      poolSize: 4,
      scheduleStuck: (failureClass, attempts, now) =>
        nextStuckAttempt(attempts, failureClass, stuckPolicy, now.getTime()),
    });
    const deps = {
      hot: kit.hot,
      cold: kit.cold,
      move: kit.move,
      dryRun: s.DRY_RUN,
      coldAfterMs: s.COLD_AFTER,
      log,
      instance: s.INSTANCE_NAME,
      batchSize: s.ARCHIVE_BATCH_SIZE,
      orphanGraceMs: s.ORPHAN_GRACE,
      freshnessTargetMs: s.FRESHNESS_TARGET,
      sweepPageSize: s.SWEEP_PAGE_SIZE,
      sweepMaxPages: s.SWEEP_MAX_PAGES,
      ledgerRetentionMs: s.LEDGER_RETENTION,
    };
    const summaries: PassSummary[] = [];
    for (;;) {
      summaries.push(await reconcileOnce(deps));
      if (o.once || life.stopping()) return summaries;
      await sleep(s.RECONCILE_INTERVAL, undefined, { signal: life.signal }).catch(() => undefined);
      if (life.stopping()) return summaries;
    }
  } finally {
    await life.close((err) => log.warn({ err: errorMessage(err) }, 'closing failed'));
  }
}
