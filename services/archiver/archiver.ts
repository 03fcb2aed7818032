// The archiver service: a kafkajs consumer group on the tickets topic that turns change events into moves and
// durable timers, a timer loop that moves tickets turning cold by time alone, and the endpoints operators watch.
// Offsets are committed only past messages whose work is done or durably recorded (a timer, a stuck deletion,
// a dead letter), so a crash at any instant loses nothing, and every step is idempotent, so redelivery duplicates nothing.
import { Partitioners, type EachBatchPayload, type KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { MalformedEventError, parseTicketEvent } from '../shared/debezium/ticketEvent.ts';
import { serveEndpoints } from '../shared/httpEndpoints.ts';
import { createKafka, ensureTopic } from '../shared/kafka.ts';
import type { ColdTimer } from '../shared/move/coldTickets.ts';
import { openMoveStores } from '../shared/move/moveStores.ts';
import { moveTickets, type Candidate, type MoveDeps } from '../shared/move/moveTickets.ts';
import { countOutcomes, type TicketOutcome } from '../shared/move/outcome.ts';
import { afterPoll, timerPoll, type PartitionPolls, type TimerPoll } from '../shared/move/timerBuckets.ts';
import { MoveRateLimiter } from '../shared/rateLimit.ts';
import { DEFAULT_RETRY, RetryAbandonedError, withRetry } from '../shared/retry.ts';
import { ticketPartition } from '../shared/ticketPartition.ts';
import { sendDeadLetters, type DeadLetter } from './deadLetter.ts';
import { planEvents, type ReceivedEvent } from './eventPlan.ts';
import { partitionQueues } from './partitionQueues.ts';
import { createArchiverMetrics } from './metrics.ts';
import { deadLetterTopic, type ArchiverSettings } from './settings.ts';

export interface RunningArchiver {
  port: number;
  /** Finishes or abandons the current batch, commits what is done, leaves the group, closes connections. */
  stop(reason: string): Promise<void>;
  /** Resolves when the archiver has stopped (after stop(), or after a fatal consumer crash). */
  stopped: Promise<{ fatal: boolean }>;
}

export async function startArchiver(s: ArchiverSettings, log: Logger): Promise<RunningArchiver> {
  const metrics = createArchiverMetrics();
  const dlqTopic = deadLetterTopic(s);
  const stores = await openMoveStores({
    databaseUrl: s.DATABASE_URL,
    mongodbUrl: s.MONGODB_URL,
    applicationName: `ticket-archiver/${s.INSTANCE_NAME}`,
    coldAfterMs: s.COLD_AFTER,
    timerGroup: s.ARCHIVER_GROUP_ID,
    // A move uses at most two connections at once (its two parallel reads); one more for health and metrics.
    poolSize: 2 * s.PARALLEL_PARTITIONS + 1,
    log,
  });
  const { pool, coldStore, hot, cold } = stores;
  await cold.ensureIndexes();

  const kafka = createKafka({ brokers: s.KAFKA_BROKERS, clientId: `ticket-archiver-${s.INSTANCE_NAME}` });
  const admin = kafka.admin();
  await admin.connect().catch((err: unknown) => {
    throw new Error(`Kafka (KAFKA_BROKERS=${s.KAFKA_BROKERS.join(',')}) is unreachable: ${(err as Error).message}`, { cause: err });
  });
  const topics = await admin.listTopics();
  if (!topics.includes(s.TICKETS_TOPIC)) throw new Error(`the tickets topic ${s.TICKETS_TOPIC} (TICKETS_TOPIC) does not exist`);
  const meta = await admin.fetchTopicMetadata({ topics: [s.TICKETS_TOPIC] });
  const partitionCount = meta.topics[0]?.partitions.length ?? 1;
  await ensureTopic(admin, { topic: dlqTopic, numPartitions: partitionCount });

  // Dead letters are written with acks=all before the offset is committed; a duplicate dead letter after a crash is
  // acceptable (at-least-once), a lost one is not.
  const producer = kafka.producer({ maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumer = kafka.consumer({
    groupId: s.ARCHIVER_GROUP_ID,
    sessionTimeout: s.ARCHIVER_SESSION_TIMEOUT,
    rebalanceTimeout: 60_000,
    // kafkajs heartbeats from the consumer loop (between chunks and retries), at most every third of the session.
    heartbeatInterval: Math.min(3_000, Math.floor(s.ARCHIVER_SESSION_TIMEOUT / 3)),
    // Events carry four columns (~200 bytes): 1 MB is ~5,000 of them per partition and fetch, ten moves' worth;
    // 4 MB held ~20,000 decoded messages per partition in memory for no gain in speed.
    maxBytesPerPartition: 1024 * 1024,
  });

  const limiter = new MoveRateLimiter(s.MAX_MOVES_PER_SECOND);
  const queues = partitionQueues();
  let assigned: number[] = [];
  let joined = false;
  let stopping = false;
  let lastHealthProblem: string | undefined = 'starting';
  let lastProgress = '';

  const moveDeps: MoveDeps = {
    hot,
    cold,
    mover: s.INSTANCE_NAME,
    lockTimeoutMs: s.DELETE_LOCK_TIMEOUT,
    coldAfterMs: s.COLD_AFTER,
    dryRun: s.DRY_RUN,
    now: () => new Date(),
    log,
    partitionOf: (id) => ticketPartition(id, partitionCount),
    nextAttemptAt: (cls, now) => new Date(now.getTime() + (cls === 'transient' ? s.STUCK_RETRY_DELAY : s.PERMANENT_RETRY_DELAY)),
  };

  // Callers hold the partition's queue (partitionQueues.ts): two moves of one ticket never overlap in an instance.
  async function move(source: 'events' | 'timers', candidates: Candidate[]): Promise<TicketOutcome[]> {
    await limiter.take(candidates.length);
    const end = metrics.batchDuration.startTimer({ source });
    metrics.movesInFlight.inc(candidates.length);
    try {
      const outcomes = await moveTickets(moveDeps, candidates);
      for (const [outcome, n] of Object.entries(countOutcomes(outcomes))) metrics.moves.inc({ outcome }, n);
      metrics.stuckRecorded.inc(outcomes.filter((o) => o.outcome === 'stuck').length);
      return outcomes;
    } finally {
      metrics.movesInFlight.dec(candidates.length);
      end();
    }
  }

  const retryHooks = (stage: string, extra: { heartbeat?: () => Promise<void>; live?: () => boolean } = {}) => ({
    shouldContinue: () => !stopping && (extra.live?.() ?? true),
    onRetry: async (err: unknown, attempt: number, delayMs: number) => {
      metrics.retries.inc({ stage });
      log.warn({ stage, attempt, delayMs, err: (err as Error).message }, 'transient failure; retrying');
      await extra.heartbeat?.().catch(() => undefined);
    },
  });

  async function handleChunk(partition: number, messages: KafkaMessage[]): Promise<void> {
    const received: ReceivedEvent[] = [];
    const letters: DeadLetter[] = [];
    for (const message of messages) {
      try {
        const event = parseTicketEvent(message.key, message.value);
        received.push({ partition, offset: message.offset, event });
        metrics.events.inc({ kind: event.kind === 'upsert' && event.snapshot ? 'snapshot-read' : event.kind });
      } catch (err) {
        if (!(err instanceof MalformedEventError)) throw err;
        letters.push({ message, partition, reason: err.message });
        metrics.events.inc({ kind: 'malformed' });
      }
    }
    const plan = planEvents(received, s.COLD_AFTER, Date.now());
    if (letters.length > 0) {
      if (!s.DRY_RUN) await sendDeadLetters(producer, dlqTopic, s.TICKETS_TOPIC, letters);
      for (const l of letters) {
        metrics.deadLettered.inc({ reason: l.reason.split(':')[0]?.slice(0, 60) ?? 'unknown' });
        log.error({ partition, offset: l.message.offset, reason: l.reason, deadLetterTopic: dlqTopic }, 'malformed message dead-lettered');
      }
    }
    if (plan.truncates > 0) {
      log.error({ partition, truncates: plan.truncates }, 'TRUNCATE of public.tickets seen: no ticket is moved or deleted because of it; check the cold store and the hot table');
    }
    if (s.DRY_RUN) {
      if (plan.moveNow.length > 0) await move('events', plan.moveNow);
      return;
    }
    // Reopened and deleted tickets keep their timers until they fire: the move re-reads the ticket, finds it hot or
    // gone, and removes the timer then (cheaper than a delete per event; the re-read is the real guard).
    await cold.setTimers(plan.timers, new Date());
    if (plan.deleted.length > 0) {
      const ledger = await hot.readLedger(plan.deleted);
      for (const id of plan.deleted) {
        const own = ledger.get(id)?.state === 'archived';
        metrics.events.inc({ kind: own ? 'delete-by-archiver' : 'delete-by-business' });
        if (!own) log.info({ ticketId: id }, 'ticket deleted by business code; nothing to archive');
      }
    }
    for (let i = 0; i < plan.moveNow.length; i += s.ARCHIVE_BATCH_SIZE) {
      await move('events', plan.moveNow.slice(i, i + s.ARCHIVE_BATCH_SIZE));
    }
  }

  async function eachBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const heartbeat = () => p.heartbeat();
    const live = () => p.isRunning() && !p.isStale();
    for (let i = 0; i < batch.messages.length; i += s.ARCHIVE_BATCH_SIZE) {
      if (!live() || stopping) return;
      const chunk = batch.messages.slice(i, i + s.ARCHIVE_BATCH_SIZE);
      try {
        await withRetry(() => queues.run(batch.partition, () => handleChunk(batch.partition, chunk)), DEFAULT_RETRY, retryHooks('events', { heartbeat, live }));
      } catch (err) {
        if (err instanceof RetryAbandonedError) return; // not resolved: redelivered to whoever owns the partition next
        throw err;
      }
      // Dry runs change nothing, offsets included.
      if (!s.DRY_RUN) {
        p.resolveOffset((chunk[chunk.length - 1] as KafkaMessage).offset);
        await p.commitOffsetsIfNecessary();
      }
      await heartbeat();
    }
  }

  // Timers: tickets that turn cold by time alone. Polling the due index of the owned partitions every
  // TIMER_POLL_INTERVAL keeps the delay after the due time far below FRESHNESS_TARGET.
  // Per owned partition, what earlier polls covered (cleared on every assignment): most polls then read only the
  // current due buckets instead of every timer waiting (timerBuckets.ts).
  const partitionPolls = new Map<number, PartitionPolls>();

  async function dueNow(now: Date): Promise<{ due: ColdTimer[]; polls: Map<number, TimerPoll> }> {
    const polls = new Map(assigned.map((p) => [p, timerPoll(partitionPolls.get(p), now.getTime())]));
    const perPartition = await Promise.all(
      [...polls].map(([p, poll]) =>
        poll.kind === 'full' ? cold.dueTimers([p], now, s.ARCHIVE_BATCH_SIZE) : cold.dueTimersInBuckets(p, poll.buckets, now, s.ARCHIVE_BATCH_SIZE),
      ),
    );
    const due = perPartition
      .flat()
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
      .slice(0, s.ARCHIVE_BATCH_SIZE);
    return { due, polls };
  }

  async function timerTick(): Promise<void> {
    if (stopping || assigned.length === 0) return;
    for (;;) {
      const now = new Date();
      const { due, polls } = await dueNow(now);
      metrics.timersDue.set(due.length);
      // Recorded only once every due timer found is moved: a failed move is polled the same way again.
      const covered = () => {
        if (due.length < s.ARCHIVE_BATCH_SIZE) for (const [p, poll] of polls) partitionPolls.set(p, afterPoll(partitionPolls.get(p), poll, now.getTime()));
      };
      if (due.length === 0 || stopping) {
        if (!stopping) covered();
        return;
      }
      const dueAt = new Map(due.map((t) => [t.ticketId.toString(), t.dueAt.getTime()]));
      // One move for every due timer (fewer round trips than one per partition: this is what keeps freshness), in
      // the queues of all the partitions involved.
      const partitions = due.map((t) => t.partition);
      const outcomes = await queues.runAcross(partitions, () => move('timers', due.map((t) => ({ id: t.ticketId.toString(), fromTimer: true }))));
      const doneAt = Date.now();
      for (const o of outcomes) {
        const at = dueAt.get(o.id);
        if (o.outcome === 'archived' && at !== undefined && doneAt - at > s.FRESHNESS_TARGET) {
          metrics.lateMoves.inc();
          log.warn({ ticketId: o.id, ticketVersion: o.version, lateByMs: doneAt - at - s.FRESHNESS_TARGET }, 'archived later than the freshness target');
        }
      }
      if (s.DRY_RUN) return; // a dry run leaves the timers in place; looping would report them again at once
      covered();
      if (due.length < s.ARCHIVE_BATCH_SIZE) return;
    }
  }

  let timerRunning = false;
  const timerInterval = setInterval(() => {
    if (timerRunning) return;
    timerRunning = true;
    timerTick()
      .catch((err: unknown) => {
        metrics.retries.inc({ stage: 'timers' });
        log.warn({ err: (err as Error).message }, 'timer tick failed; retrying at the next tick');
      })
      .finally(() => {
        timerRunning = false;
      });
  }, s.TIMER_POLL_INTERVAL);

  async function observe(): Promise<void> {
    const problems: string[] = [];
    await pool.query('SELECT 1').catch((err: unknown) => problems.push(`postgres: ${(err as Error).message}`));
    await coldStore.client.db('admin').command({ ping: 1 }).catch((err: unknown) => problems.push(`cold store: ${(err as Error).message}`));
    if (!joined) problems.push('consumer group not joined');
    lastHealthProblem = problems.length ? problems.join('; ') : undefined;
    try {
      const [committed, ends] = await Promise.all([
        admin.fetchOffsets({ groupId: s.ARCHIVER_GROUP_ID, topics: [s.TICKETS_TOPIC] }),
        admin.fetchTopicOffsets(s.TICKETS_TOPIC),
      ]);
      const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      for (const end of ends) {
        const c = byPartition.get(end.partition) ?? -1;
        const start = c >= 0 ? c : Number(end.low);
        metrics.lag.set({ topic: s.TICKETS_TOPIC, partition: String(end.partition) }, Math.max(0, Number(end.high) - start));
      }
      metrics.stuckOpen.set(await cold.stuck.countDocuments({}));
      const moved = await metrics.moves.get();
      const counts = Object.fromEntries(moved.values.map((v) => [String(v.labels.outcome), v.value]));
      const lag = (await metrics.lag.get()).values.reduce((a, v) => a + v.value, 0);
      const signature = JSON.stringify([counts, lag]);
      if (signature !== lastProgress) {
        lastProgress = signature;
        log.info({ outcomes: counts, lag, partitions: assigned }, 'progress');
      }
    } catch (err) {
      log.debug({ err: (err as Error).message }, 'could not read lag');
    }
  }
  const observeInterval = setInterval(() => void observe(), 5000);

  const endpoints = await serveEndpoints(s.HTTP_PORT, metrics.registry, () => Promise.resolve(lastHealthProblem));

  let resolveStopped!: (v: { fatal: boolean }) => void;
  const stopped = new Promise<{ fatal: boolean }>((r) => (resolveStopped = r));

  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    joined = true;
    assigned = [...(e.payload.memberAssignment[s.TICKETS_TOPIC] ?? [])].sort((a, b) => a - b);
    partitionPolls.clear();
    metrics.assignedPartitions.set(assigned.length);
    log.info({ partitions: assigned, groupId: s.ARCHIVER_GROUP_ID }, 'joined the consumer group');
    void observe();
  });
  consumer.on(consumer.events.REBALANCING, () => {
    assigned = [];
    metrics.assignedPartitions.set(0);
  });
  consumer.on(consumer.events.CRASH, (e) => {
    log.error({ err: e.payload.error.message, restart: e.payload.restart }, 'consumer crashed');
    if (!e.payload.restart) void shutdown('consumer crashed', true);
  });

  await consumer.connect();
  // A new group reads the topic from its start: the snapshot of existing tickets is part of the work.
  await consumer.subscribe({ topic: s.TICKETS_TOPIC, fromBeginning: true });
  await consumer.run({ eachBatchAutoResolve: false, autoCommitInterval: 1000, partitionsConsumedConcurrently: s.PARALLEL_PARTITIONS, eachBatch });
  log.info(
    { topic: s.TICKETS_TOPIC, groupId: s.ARCHIVER_GROUP_ID, coldAfterMs: s.COLD_AFTER, dryRun: s.DRY_RUN, port: endpoints.port, deadLetterTopic: dlqTopic },
    'archiver started',
  );

  let stopping$: Promise<void> | undefined;
  function shutdown(reason: string, fatal = false): Promise<void> {
    stopping$ ??= (async () => {
      stopping = true;
      log.info({ reason }, 'archiver stopping');
      clearInterval(timerInterval);
      clearInterval(observeInterval);
      await consumer.disconnect().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'consumer disconnect failed'));
      await queues.idle(); // let running timer moves finish
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await endpoints.close();
      await stores.close();
      log.info({ reason }, 'archiver stopped');
      resolveStopped({ fatal });
    })();
    return stopping$;
  }

  return { port: endpoints.port, stop: (reason) => shutdown(reason), stopped };
}
