// The archiver service, wired: a member of the consumer group on the tickets topic whose event intake turns change
// events into moves and durable timers (eventIntake.ts), a timer loop that moves tickets turning cold by time alone
// (timerLoop.ts), an observer of health and lag (observer.ts), and the endpoints operators watch. This file owns
// start-up and shutdown, through one lifecycle (runtime/lifecycle.ts) that closes what was opened in reverse. Offsets
// are committed only past messages whose work is done or durably recorded (a timer, a stuck deletion, a dead letter),
// so a crash at any instant loses nothing, and every step is idempotent, so redelivery duplicates nothing.
import type { Logger } from 'pino';
import { errorMessage } from '../core/errors.ts';
import { kafkaSecurity } from '../core/kafkaSecurity.ts';
import { DEFAULT_RETRY } from '../core/retry.ts';
import { connectKafka } from '../edges/kafka/index.ts';
import { openMoverKit } from '../movers/moverKit.ts';
import { serveEndpoints } from '../runtime/httpEndpoints.ts';
import { lifecycle } from '../runtime/lifecycle.ts';
import { eventIntake } from './eventIntake.ts';
import { createArchiverMetrics } from './metrics.ts';
import { moveRunner } from './moveRunner.ts';
import { observer } from './observer.ts';
import { partitionQueues } from './partitionQueues.ts';
import { watchArchiverPipeline } from './pipelineWatch.ts';
import { deadLetterTopic, type ArchiverSettings } from './settings.ts';
import type { ArchiveSpec } from '../core/spec/archiveSpec.ts';
import { eventShape } from '../core/spec/eventShape.ts';
import type { Topic } from '../core/settings.ts';
import { runTimerLoop } from './timerLoop.ts';

export interface RunningArchiver {
  port: number;
  /** Finishes or abandons the current batch, commits what is done, leaves the group, closes connections. */
  stop(reason: string): Promise<void>;
  /** Resolves when the archiver has stopped (after stop(), or after a fatal consumer crash). */
  stopped: Promise<{ fatal: boolean }>;
}

export async function startArchiver(
  s: Topic<ArchiverSettings>,
  spec: ArchiveSpec,
  log: Logger,
): Promise<RunningArchiver> {
  const life = lifecycle();
  const metrics = createArchiverMetrics();
  const closeQuietly = () => life.close((err) => log.warn({ err: errorMessage(err) }, 'closing failed'));
  try {
    const kafka = await life.opened(
      connectKafka({
        brokers: s.KAFKA_BROKERS,
        clientId: `ticket-archiver-${s.INSTANCE_NAME}`,
        security: kafkaSecurity(s),
      }),
      (k) => k.close(),
    );
    const partitions = await kafka.partitionCount(s.TICKETS_TOPIC);
    const kit = await openMoverKit(s, {
      role: 'archiver',
      spec,
      log,
      life,
      partitions,
      // A move uses at most two connections at once (its two parallel reads); one more for health and metrics.
      poolSize: 2 * s.PARALLEL_PARTITIONS + 1,
      // The reconciler retries, backs off and escalates; the archiver only says when it should first look again.
      scheduleStuck: (failureClass, _attempts, now) => ({
        nextAttemptAt: new Date(
          now.getTime() + (failureClass === 'transient' ? s.STUCK_RETRY_DELAY : s.PERMANENT_RETRY_DELAY),
        ),
        escalated: false,
      }),
      progressExtra: async () => ({ lag: (await metrics.lag.get()).values.reduce((sum, v) => sum + v.value, 0) }),
      onThrottleReading(sample, state, commits, quietP90Ms) {
        metrics.hotProbe.set(Number.isFinite(sample.probeMs) ? sample.probeMs / 1000 : -1);
        metrics.hotReplicaLag.set(sample.replicaLagMs / 1000);
        if (typeof commits === 'object') {
          metrics.hotCommit.set(commits.feltMs / 1000);
          metrics.hotCommitSlowdown.set(commits.ratio);
        }
        if (quietP90Ms !== undefined) metrics.hotCommitQuiet.set(quietP90Ms / 1000);
        metrics.throttleRate.set(state.rate);
        metrics.throttleMode.set({ open: 0, slowed: 1, paused: 2 }[state.mode]);
      },
    });
    if (!s.DRY_RUN) await kafka.ensureTopic({ topic: deadLetterTopic(s), numPartitions: partitions });
    const sink = await life.opened(kafka.openDeadLetters(deadLetterTopic(s), s.TICKETS_TOPIC), (d) => d.close());
    const deadLetters = {
      topic: sink.topic,
      async send(letters: Parameters<typeof sink.send>[0]) {
        await sink.send(letters);
        kit.counters.deadLettered += letters.length;
      },
    };
    const mover = moveRunner(kit, metrics);
    const queues = partitionQueues();
    const membership = { joined: false, assigned: [] as number[] };

    const intake = eventIntake({
      shape: eventShape(spec),
      batchSize: s.ARCHIVE_BATCH_SIZE,
      coldAfterMs: s.COLD_AFTER,
      dryRun: s.DRY_RUN,
      queues,
      mover,
      setTimers: (timers, now) => kit.coldMoves.setTimers(timers, now),
      deadLetters,
      readLedger: (ids) => kit.deps.hot.readLedger(ids),
      metrics,
      log,
      retry: DEFAULT_RETRY,
      stopping: () => life.stopping(),
      now: () => Date.now(),
    });
    runTimerLoop(
      {
        timers: kit.cold.timersOf(s.ARCHIVER_GROUP_ID),
        queues,
        mover,
        assigned: () => membership.assigned,
        stopping: () => life.stopping(),
        batchSize: s.ARCHIVE_BATCH_SIZE,
        freshnessTargetMs: s.FRESHNESS_TARGET,
        pollIntervalMs: s.TIMER_POLL_INTERVAL,
        dryRun: s.DRY_RUN,
        metrics,
        log,
      },
      life,
    );
    const watch = observer({
      topic: s.TICKETS_TOPIC,
      pingHot: () => kit.hot.ping(),
      pingCold: () => kit.cold.ping(),
      groupLag: () => kafka.groupLag(s.ARCHIVER_GROUP_ID, s.TICKETS_TOPIC),
      countStuck: () => kit.cold.stuck.count(),
      joined: () => membership.joined,
      assigned: () => membership.assigned,
      oldestPending: () => intake.oldestPending(),
      now: () => Date.now(),
      metrics,
      log,
    });
    watch.start(5000, life);
    watchArchiverPipeline(s, spec, kit, metrics, log, life);
    const endpoints = await life.opened(
      serveEndpoints(s.HTTP_PORT, metrics.registry, () => watch.readiness()),
      (e) => e.close(),
    );

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
        log.info({ reason }, 'archiver stopping');
        life.stop(reason);
        await consumer
          .stop()
          .catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'consumer disconnect failed'));
        await queues.idle(); // let running timer moves finish
        await closeQuietly();
        log.info({ reason }, 'archiver stopped');
        resolveStopped({ fatal });
      })();
      return stopping$;
    }

    await consumer.start({
      onBatch: (batch) => intake.handleBatch(batch),
      onAssignment(assigned) {
        membership.joined = true;
        membership.assigned = assigned;
        metrics.assignedPartitions.set(assigned.length);
        log.info({ partitions: assigned, groupId: s.ARCHIVER_GROUP_ID }, 'joined the consumer group');
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
  } catch (err) {
    await closeQuietly();
    throw err;
  }
}
