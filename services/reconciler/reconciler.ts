// Wires the reconciler: stores, the shared move, and the pass; runs once or on an interval until stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { COLD_DATABASE } from '../shared/coldStore.ts';
import { createKafka } from '../shared/kafka.ts';
import { openMoveStores } from '../shared/move/moveStores.ts';
import { ticketPartition } from '../shared/ticketPartition.ts';
import { reconcileOnce, type PassSummary } from './reconcilePass.ts';
import type { ReconcilerSettings } from './settings.ts';

export async function runReconciler(s: ReconcilerSettings, log: Logger, options: { once: boolean; stopped: () => boolean }): Promise<PassSummary[]> {
  const stores = await openMoveStores({
    databaseUrl: s.DATABASE_URL,
    mongodbUrl: s.MONGODB_URL,
    applicationName: `ticket-archiver/${s.INSTANCE_NAME}`,
    coldAfterMs: s.COLD_AFTER,
    timerGroup: s.ARCHIVER_GROUP_ID,
    log,
  });
  try {
    // The partition count files timers where the archiver that owns the ticket's partition finds them.
    const admin = createKafka({ brokers: s.KAFKA_BROKERS, clientId: `ticket-archiver-${s.INSTANCE_NAME}`, quiet: true }).admin();
    let partitions = 6;
    try {
      await admin.connect();
      partitions = (await admin.fetchTopicMetadata({ topics: [s.TICKETS_TOPIC] })).topics[0]?.partitions.length ?? 6;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not read the partition count of the tickets topic; assuming 6');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const { hot, cold } = stores;
    await cold.ensureIndexes();
    const deps = {
      hot,
      cold,
      runs: stores.coldStore.client.db(COLD_DATABASE).collection<PassSummary>('reconcile_runs'),
      log,
      instance: s.INSTANCE_NAME,
      batchSize: s.ARCHIVE_BATCH_SIZE,
      stuckPolicy: { baseMs: s.STUCK_RETRY_BASE, maxMs: s.STUCK_RETRY_MAX, maxPermanentAttempts: s.MAX_PERMANENT_ATTEMPTS },
      orphanGraceMs: s.ORPHAN_GRACE,
      freshnessTargetMs: s.FRESHNESS_TARGET,
      sweepPageSize: s.SWEEP_PAGE_SIZE,
      sweepMaxPages: s.SWEEP_MAX_PAGES,
      move: {
        hot,
        cold,
        mover: s.INSTANCE_NAME,
        lockTimeoutMs: s.DELETE_LOCK_TIMEOUT,
        coldAfterMs: s.COLD_AFTER,
        dryRun: false,
        now: () => new Date(),
        log,
        partitionOf: (id: string) => ticketPartition(id, partitions),
        nextAttemptAt: (_cls: 'transient' | 'permanent', now: Date) => now, // scheduled by the pass from the attempts
      },
    };
    const summaries: PassSummary[] = [];
    for (;;) {
      summaries.push(await reconcileOnce(deps));
      if (options.once || options.stopped()) return summaries;
      const until = Date.now() + s.RECONCILE_INTERVAL;
      while (Date.now() < until && !options.stopped()) await sleep(Math.min(1000, until - Date.now()));
      if (options.stopped()) return summaries;
    }
  } finally {
    await stores.close();
  }
}
