// The archiver service, wired: a member of the consumer group on the tickets topic whose event intake turns change
// events into moves and durable timers (eventIntake.ts), a timer loop that moves tickets turning cold by time alone
// (timerLoop.ts), an observer of health and lag (observer.ts), and the endpoints operators watch. This file owns
// start-up and shutdown. Offsets are committed only past messages whose work is done or durably recorded (a timer, a
// stuck deletion, a dead letter), so a crash at any instant loses nothing, and every step is idempotent, so
// redelivery duplicates nothing.
import type { Logger } from 'pino';
import { errorMessage } from '../core/errors.ts';
import { moverDeps } from '../core/move/movers.ts';
import { MoveRateLimiter } from '../core/rateLimit.ts';
import { DEFAULT_RETRY } from '../core/retry.ts';
import { openColdStore } from '../edges/coldStore/index.ts';
import { openHotStore } from '../edges/hotStore/index.ts';
import { connectKafka } from '../edges/kafka/index.ts';
import { connectorStatus, isRunning, loadConnectorDefinition } from '../edges/kafkaConnect/index.ts';
import { serveEndpoints } from '../runtime/httpEndpoints.ts';
import { progressRecorder } from '../runtime/progressRecorder.ts';
import { moverThrottle } from '../runtime/throttleLoop.ts';
import { eventIntake } from './eventIntake.ts';
import { createArchiverMetrics } from './metrics.ts';
import { moveRunner } from './moveRunner.ts';
import { observer } from './observer.ts';
import { partitionQueues } from './partitionQueues.ts';
import { pipelineWatch } from './pipelineWatch.ts';
import { archiverCounters, archiverLag } from './progress.ts';
import { deadLetterTopic, type ArchiverSettings } from './settings.ts';
import { timerLoop } from './timerLoop.ts';
import { kafkaSecurity } from '../core/kafkaSecurity.ts';

export interface RunningArchiver {
  port: number;
  /** Finishes or abandons the current batch, commits what is done, leaves the group, closes connections. */
  stop(reason: string): Promise<void>;
  /** Resolves when the archiver has stopped (after stop(), or after a fatal consumer crash). */
  stopped: Promise<{ fatal: boolean }>;
}

/** Runs `open` steps in order; if one fails, closes what the earlier ones opened and rethrows. */
async function openAll<T>(
  steps: (closeLater: (close: () => Promise<unknown>) => void) => Promise<T>,
): Promise<{ value: T; closers: Array<() => Promise<unknown>> }> {
  const closers: Array<() => Promise<unknown>> = [];
  try {
    return { value: await steps((close) => closers.unshift(close)), closers };
  } catch (err) {
    for (const close of closers) await close().catch(() => undefined);
    throw err;
  }
}

export async function startArchiver(s: ArchiverSettings, log: Logger): Promise<RunningArchiver> {
  const metrics = createArchiverMetrics();
  const { value: opened, closers } = await openAll(async (closeLater) => {
    const hot = await openHotStore({
      databaseUrl: s.DATABASE_URL,
      applicationName: `ticket-archiver/${s.INSTANCE_NAME}`,
      coldAfterMs: s.COLD_AFTER,
      // A move uses at most two connections at once (its two parallel reads); one more for health and metrics.
      poolSize: 2 * s.PARALLEL_PARTITIONS + 1,
      onIdleError: (err) =>
        log.warn({ err: err.message }, 'an idle PostgreSQL connection was closed by the server; it will be replaced'),
    });
    closeLater(() => hot.close());
    const cold = await openColdStore(s.MONGODB_URL);
    closeLater(() => cold.close());
    await cold.ensureIndexes();
    const kafka = await connectKafka({
      brokers: s.KAFKA_BROKERS,
      clientId: `ticket-archiver-${s.INSTANCE_NAME}`,
      security: kafkaSecurity(s),
    });
    closeLater(() => kafka.close());
    const partitionCount = await kafka.partitionCount(s.TICKETS_TOPIC);
    await kafka.ensureTopic({ topic: deadLetterTopic(s), numPartitions: partitionCount });
    const deadLetters = await kafka.openDeadLetters(deadLetterTopic(s), s.TICKETS_TOPIC);
    closeLater(() => deadLetters.close());
    return { hot, cold, kafka, partitionCount, deadLetters };
  });
  const { hot, cold, kafka, partitionCount, deadLetters } = opened;

  // The reconciler retries, backs off and escalates; the archiver only says when it should first look again.
  const moveDeps = moverDeps(s, {
    hot: hot.tickets,
    cold: cold.forMoves(s.ARCHIVER_GROUP_ID),
    log,
    partitions: partitionCount,
    dryRun: s.DRY_RUN,
    scheduleStuck: (failureClass, _attempts, now) => ({
      nextAttemptAt: new Date(
        now.getTime() + (failureClass === 'transient' ? s.STUCK_RETRY_DELAY : s.PERMANENT_RETRY_DELAY),
      ),
      escalated: false,
    }),
  });
  let moved = 0;
  const throttle = moverThrottle(s, {
    sample: () => hot.health.sample(),
    moved: () => moved,
    log,
    onReading(sample, state) {
      metrics.hotProbe.set(Number.isFinite(sample.probeMs) ? sample.probeMs / 1000 : -1);
      metrics.throttleRate.set(state.rate);
      metrics.throttleMode.set({ open: 0, slowed: 1, paused: 2 }[state.mode]);
    },
  });
  const limiter = new MoveRateLimiter(s.MAX_MOVES_PER_SECOND, Date.now, undefined, () => throttle.allowed());
  const mover = moveRunner(moveDeps, limiter, metrics, (n) => (moved += n));
  const queues = partitionQueues();
  const membership = { joined: false, assigned: [] as number[], stopping: false };

  const intake = eventIntake({
    batchSize: s.ARCHIVE_BATCH_SIZE,
    coldAfterMs: s.COLD_AFTER,
    dryRun: s.DRY_RUN,
    queues,
    mover,
    setTimers: (timers, now) => moveDeps.cold.setTimers(timers, now),
    deadLetters,
    readLedger: (ids) => hot.tickets.readLedger(ids),
    metrics,
    log,
    retry: DEFAULT_RETRY,
    stopping: () => membership.stopping,
    now: () => Date.now(),
  });
  const timers = timerLoop({
    timers: cold.timersOf(s.ARCHIVER_GROUP_ID),
    queues,
    mover,
    assigned: () => membership.assigned,
    stopping: () => membership.stopping,
    batchSize: s.ARCHIVE_BATCH_SIZE,
    freshnessTargetMs: s.FRESHNESS_TARGET,
    pollIntervalMs: s.TIMER_POLL_INTERVAL,
    dryRun: s.DRY_RUN,
    metrics,
    log,
  });
  const watch = observer({
    topic: s.TICKETS_TOPIC,
    pingHot: () => hot.ping(),
    pingCold: () => cold.ping(),
    groupLag: () => kafka.groupLag(s.ARCHIVER_GROUP_ID, s.TICKETS_TOPIC),
    countStuck: () => cold.stuck.count(),
    joined: () => membership.joined,
    assigned: () => membership.assigned,
    oldestPending: () => intake.oldestPending(),
    now: () => Date.now(),
    metrics,
    log,
  });
  const connector = loadConnectorDefinition();
  const pipeline = pipelineWatch({
    slot: () => hot.inspection.slot(connector.config['slot.name'] ?? 'ticket_archiver_cdc'),
    connectorRunning: async () =>
      s.KAFKA_CONNECT_URL ? isRunning(await connectorStatus(s.KAFKA_CONNECT_URL, connector.name)) : undefined,
    escalated: async () => (await cold.stuck.summary()).escalated,
    lastReconcileOk: async () => (await cold.runs.latest()).lastOk?.endedAt,
    metrics,
    log,
  });
  timers.start();
  watch.start(5000);
  pipeline.start(30_000);
  closers.unshift(() => Promise.resolve(pipeline.stop()));
  throttle.start();
  closers.unshift(() => Promise.resolve(throttle.stop()));
  const recorder = progressRecorder({
    instance: s.INSTANCE_NAME,
    role: 'archiver',
    retentionMs: s.HISTORY_RETENTION,
    counters: () => archiverCounters(metrics),
    extra: async () => {
      const t = throttle.state();
      return {
        lag: await archiverLag(metrics),
        throttle: { mode: s.THROTTLE ? t.mode : 'off', rate: Number.isFinite(t.rate) ? t.rate : null },
      };
    },
    write: (sample) => cold.progress.record(sample),
    log,
  });
  if (!s.DRY_RUN) {
    await recorder.start();
    closers.unshift(() => recorder.stop());
  }
  const endpoints = await serveEndpoints(s.HTTP_PORT, metrics.registry, () => watch.readiness());
  closers.unshift(() => endpoints.close());

  let resolveStopped!: (v: { fatal: boolean }) => void;
  const stopped = new Promise<{ fatal: boolean }>((r) => (resolveStopped = r));
  const consumer = kafka.ticketConsumer({
    groupId: s.ARCHIVER_GROUP_ID,
    topic: s.TICKETS_TOPIC,
    sessionTimeoutMs: s.ARCHIVER_SESSION_TIMEOUT,
    parallelPartitions: s.PARALLEL_PARTITIONS,
  });

  let stopping$: Promise<void> | undefined;
  function shutdown(reason: string, fatal = false): Promise<void> {
    stopping$ ??= (async () => {
      membership.stopping = true;
      log.info({ reason }, 'archiver stopping');
      timers.stop();
      watch.stop();
      await consumer.stop().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'consumer disconnect failed'));
      await queues.idle(); // let running timer moves finish
      for (const close of closers) await close().catch(() => undefined);
      log.info({ reason }, 'archiver stopped');
      resolveStopped({ fatal });
    })();
    return stopping$;
  }

  await consumer.start({
    onBatch: (batch) => intake.handleBatch(batch),
    onAssignment(partitions) {
      membership.joined = true;
      membership.assigned = partitions;
      metrics.assignedPartitions.set(partitions.length);
      log.info({ partitions, groupId: s.ARCHIVER_GROUP_ID }, 'joined the consumer group');
      void watch.observe();
    },
    onRevocation() {
      membership.assigned = [];
      metrics.assignedPartitions.set(0);
    },
    onCrash(message, willRestart) {
      log.error({ err: message, restart: willRestart }, 'consumer crashed');
      if (!willRestart) void shutdown('consumer crashed', true);
    },
  });
  log.info(
    {
      topic: s.TICKETS_TOPIC,
      groupId: s.ARCHIVER_GROUP_ID,
      coldAfterMs: s.COLD_AFTER,
      dryRun: s.DRY_RUN,
      port: endpoints.port,
      deadLetterTopic: deadLetters.topic,
    },
    'archiver started',
  );
  return { port: endpoints.port, stop: (reason) => shutdown(reason), stopped };
}
