// Wires the backfill: the stores, the tickets topic's partition count (timers are filed where the archiver owning the
// ticket's partition finds them), the shared move paced by the throttle and MAX_MOVES_PER_SECOND, and the slices.
import type { Logger } from 'pino';
import type { Candidate } from '../core/move/followUp.ts';
import { moverDeps, pacedMove } from '../core/move/movers.ts';
import type { MoveOrigin } from '../core/move/ports.ts';
import type { ProgressCounters } from '../core/progressSample.ts';
import { MoveRateLimiter } from '../core/rateLimit.ts';
import { openColdStore } from '../edges/coldStore/index.ts';
import { openHotStore } from '../edges/hotStore/index.ts';
import { connectKafka } from '../edges/kafka/index.ts';
import { progressRecorder } from '../runtime/progressRecorder.ts';
import { moverThrottle } from '../runtime/throttleLoop.ts';
import { runBackfill, type BackfillSummary } from './backfill.ts';
import type { BackfillSettings } from './settings.ts';
import { pgTimestampMs } from '../core/timestamps.ts';
import { kafkaSecurity } from '../core/kafkaSecurity.ts';

export interface BackfillOptions {
  name: string;
  /** Forget the saved progress of this backfill and plan it again. */
  restart: boolean;
  stopped(): boolean;
  onPage?: Parameters<typeof runBackfill>[0]['onPage'];
}

export async function backfill(s: BackfillSettings, log: Logger, o: BackfillOptions): Promise<BackfillSummary> {
  const kafka = await connectKafka({
    brokers: s.KAFKA_BROKERS,
    clientId: `ticket-archiver-${s.INSTANCE_NAME}`,
    quiet: true,
    security: kafkaSecurity(s),
  });
  const partitions = await kafka.partitionCount(s.TICKETS_TOPIC).finally(() => kafka.close());
  const hot = await openHotStore({
    databaseUrl: s.DATABASE_URL,
    applicationName: `ticket-archiver/${s.INSTANCE_NAME}`,
    coldAfterMs: s.COLD_AFTER,
    poolSize: 2 * s.BACKFILL_WORKERS + 1,
  });
  const cold = await openColdStore(s.MONGODB_URL).catch(async (err: unknown) => {
    await hot.close();
    throw err;
  });
  let moved = 0;
  const throttle = moverThrottle(s, { sample: () => hot.health.sample(), moved: () => moved, log });
  let stopRecorder: () => Promise<void> = () => Promise.resolve();
  try {
    await cold.ensureIndexes();
    if (o.restart) await cold.backfills.forget(o.name);
    const coldSide = cold.forMoves(s.ARCHIVER_GROUP_ID);
    // The reconciler retries and escalates what the backfill could not finish.
    const moveDeps = moverDeps(s, {
      hot: hot.tickets,
      cold: coldSide,
      log,
      partitions,
      scheduleStuck: (_failureClass, _attempts, now) => ({ nextAttemptAt: now, escalated: false }),
    });
    const limiter = new MoveRateLimiter(s.MAX_MOVES_PER_SECOND, Date.now, undefined, () => throttle.allowed());
    throttle.start();
    // Per-minute progress for the history: what the backfill moved and how long its moves took.
    const counters: ProgressCounters = {
      moves: {},
      stuckRecorded: 0,
      deadLettered: 0,
      batches: { count: 0, seconds: 0 },
    };
    const paced = pacedMove(moveDeps, limiter, (n) => (moved += n));
    const move = async (candidates: Candidate[], origin: MoveOrigin) => {
      const began = performance.now();
      const outcomes = await paced(candidates, origin);
      for (const x of outcomes) counters.moves[x.outcome] = (counters.moves[x.outcome] ?? 0) + 1;
      counters.stuckRecorded += outcomes.filter((x) => x.outcome === 'stuck').length;
      counters.batches = {
        count: counters.batches.count + 1,
        seconds: counters.batches.seconds + (performance.now() - began) / 1000,
      };
      return outcomes;
    };
    const recorder = progressRecorder({
      instance: s.INSTANCE_NAME,
      role: 'backfill',
      retentionMs: s.HISTORY_RETENTION,
      counters: () => Promise.resolve(structuredClone(counters)),
      extra: () =>
        Promise.resolve({
          throttle: {
            mode: s.THROTTLE ? throttle.state().mode : 'off',
            rate: Number.isFinite(throttle.state().rate) ? throttle.state().rate : null,
          },
        }),
      write: (sample) => cold.progress.record(sample),
      log,
    });
    await recorder.start();
    stopRecorder = () => recorder.stop();
    return await runBackfill({
      name: o.name,
      workers: s.BACKFILL_WORKERS,
      pageSize: s.ARCHIVE_BATCH_SIZE,
      coldAfterMs: s.COLD_AFTER,
      pages: hot.backfill,
      progress: cold.backfills,
      move,
      setTimers: (timers) => coldSide.setTimers(timers, new Date()),
      partitionOf: (id) => moveDeps.partitionOf(id),
      timestampMs: pgTimestampMs,
      stopped: () => o.stopped(),
      log,
      ...(o.onPage ? { onPage: o.onPage } : {}),
    });
  } finally {
    throttle.stop();
    await stopRecorder();
    await hot.close();
    await cold.close();
  }
}
