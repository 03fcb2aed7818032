// Wires the backfill: the stores, the tickets topic's partition count (timers are filed where the archiver owning the
// ticket's partition finds them), the shared move paced by the throttle and MAX_MOVES_PER_SECOND, and the slices.
import type { Logger } from 'pino';
import { moverDeps, pacedMove } from '../core/move/movers.ts';
import { MoveRateLimiter } from '../core/rateLimit.ts';
import { openColdStore } from '../edges/coldStore/index.ts';
import { openHotStore } from '../edges/hotStore/index.ts';
import { connectKafka } from '../edges/kafka/index.ts';
import { moverThrottle } from '../runtime/throttleLoop.ts';
import { runBackfill, type BackfillSummary } from './backfill.ts';
import type { BackfillSettings } from './settings.ts';
import { isoOf } from './slices.ts';

export interface BackfillOptions {
  name: string;
  /** Forget the saved progress of this backfill and plan it again. */
  restart: boolean;
  stopped(): boolean;
  onPage?: Parameters<typeof runBackfill>[0]['onPage'];
}

export async function backfill(s: BackfillSettings, log: Logger, o: BackfillOptions): Promise<BackfillSummary> {
  const kafka = await connectKafka({ brokers: s.KAFKA_BROKERS, clientId: `ticket-archiver-${s.INSTANCE_NAME}`, quiet: true });
  const partitions = await kafka.partitionCount(s.TICKETS_TOPIC).finally(() => kafka.close());
  const hot = await openHotStore({ databaseUrl: s.DATABASE_URL, applicationName: `ticket-archiver/${s.INSTANCE_NAME}`, coldAfterMs: s.COLD_AFTER, poolSize: 2 * s.BACKFILL_WORKERS + 1 });
  const cold = await openColdStore(s.MONGODB_URL).catch(async (err: unknown) => {
    await hot.close();
    throw err;
  });
  let moved = 0;
  const throttle = moverThrottle(s, { sample: () => hot.health.sample(), moved: () => moved, log });
  try {
    await cold.ensureIndexes();
    if (o.restart) await cold.backfills.forget(o.name);
    const coldSide = cold.forMoves(s.ARCHIVER_GROUP_ID);
    // The reconciler retries and escalates what the backfill could not finish.
    const moveDeps = moverDeps(s, { hot: hot.tickets, cold: coldSide, log, partitions, scheduleStuck: (_failureClass, _attempts, now) => ({ nextAttemptAt: now, escalated: false }) });
    const limiter = new MoveRateLimiter(s.MAX_MOVES_PER_SECOND, Date.now, undefined, () => throttle.allowed());
    throttle.start();
    return await runBackfill({
      name: o.name,
      workers: s.BACKFILL_WORKERS,
      pageSize: s.ARCHIVE_BATCH_SIZE,
      coldAfterMs: s.COLD_AFTER,
      pages: hot.backfill,
      progress: cold.backfills,
      move: pacedMove(moveDeps, limiter, (n) => (moved += n)),
      setTimers: (timers) => coldSide.setTimers(timers, new Date()),
      partitionOf: (id) => moveDeps.partitionOf(id),
      timestampMs: (text) => Date.parse(isoOf(text)),
      stopped: () => o.stopped(),
      log,
      ...(o.onPage ? { onPage: o.onPage } : {}),
    });
  } finally {
    throttle.stop();
    await hot.close();
    await cold.close();
  }
}
