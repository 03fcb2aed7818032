// Wires the reconciler: the stores, the tickets topic's partition count (timers are filed where the archiver owning
// the ticket's partition finds them; no count, no pass), the shared move, and the pass; runs once or on an interval.
import type { Logger } from 'pino';
import { moverDeps, pacedMove } from '../core/move/movers.ts';
import { nextStuckAttempt } from '../core/move/stuckSchedule.ts';
import { MoveRateLimiter } from '../core/rateLimit.ts';
import { openColdStore } from '../edges/coldStore/index.ts';
import { openHotStore } from '../edges/hotStore/index.ts';
import { connectKafka } from '../edges/kafka/index.ts';
import { moverThrottle } from '../runtime/throttleLoop.ts';
import { reconcileOnce, type PassSummary } from './reconcilePass.ts';
import type { ReconcilerSettings } from './settings.ts';
import { kafkaSecurity } from '../core/kafkaSecurity.ts';

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function ticketsPartitionCount(s: ReconcilerSettings): Promise<number> {
  const kafka = await connectKafka({
    brokers: s.KAFKA_BROKERS,
    clientId: `ticket-archiver-${s.INSTANCE_NAME}`,
    quiet: true,
    security: kafkaSecurity(s),
  });
  try {
    return await kafka.partitionCount(s.TICKETS_TOPIC);
  } finally {
    await kafka.close();
  }
}

export async function runReconciler(
  s: ReconcilerSettings,
  log: Logger,
  options: { once: boolean; stopped: () => boolean },
): Promise<PassSummary[]> {
  const partitions = await ticketsPartitionCount(s);
  const hot = await openHotStore({
    databaseUrl: s.DATABASE_URL,
    applicationName: `ticket-archiver/${s.INSTANCE_NAME}`,
    coldAfterMs: s.COLD_AFTER,
    poolSize: 4,
    onIdleError: (err) =>
      log.warn({ err: err.message }, 'an idle PostgreSQL connection was closed by the server; it will be replaced'),
  });
  const cold = await openColdStore(s.MONGODB_URL).catch(async (err: unknown) => {
    await hot.close();
    throw err;
  });
  let stopThrottle = () => undefined as void;
  try {
    await cold.ensureIndexes();
    const stuckPolicy = {
      baseMs: s.STUCK_RETRY_BASE,
      maxMs: s.STUCK_RETRY_MAX,
      maxPermanentAttempts: s.MAX_PERMANENT_ATTEMPTS,
    };
    // Timers the reconciler sets (a held ticket, one not yet due) belong to the archiver's group, which fires them.
    // Stuck deletions back off exponentially and go to an operator after MAX_PERMANENT_ATTEMPTS permanent failures.
    const moveDeps = moverDeps(s, {
      hot: hot.tickets,
      cold: cold.forMoves(s.ARCHIVER_GROUP_ID),
      log,
      partitions,
      scheduleStuck: (failureClass, attempts, now) =>
        nextStuckAttempt(attempts, failureClass, stuckPolicy, now.getTime()),
    });
    let moved = 0;
    const throttle = moverThrottle(s, { sample: () => hot.health.sample(), moved: () => moved, log });
    const limiter = new MoveRateLimiter(0, Date.now, undefined, () => throttle.allowed());
    throttle.start();
    stopThrottle = () => throttle.stop();
    const deps = {
      hot,
      cold,
      log,
      instance: s.INSTANCE_NAME,
      batchSize: s.ARCHIVE_BATCH_SIZE,
      orphanGraceMs: s.ORPHAN_GRACE,
      freshnessTargetMs: s.FRESHNESS_TARGET,
      sweepPageSize: s.SWEEP_PAGE_SIZE,
      sweepMaxPages: s.SWEEP_MAX_PAGES,
      historyRetentionMs: s.HISTORY_RETENTION,
      ledgerRetentionMs: s.LEDGER_RETENTION,
      move: pacedMove(moveDeps, limiter, (n) => (moved += n)),
    };
    const summaries: PassSummary[] = [];
    for (;;) {
      summaries.push(await reconcileOnce(deps));
      if (options.once || options.stopped()) return summaries;
      const until = Date.now() + s.RECONCILE_INTERVAL;
      while (Date.now() < until && !options.stopped()) await sleepFor(Math.min(1000, until - Date.now()));
      if (options.stopped()) return summaries;
    }
  } finally {
    stopThrottle();
    await hot.close();
    await cold.close();
  }
}
