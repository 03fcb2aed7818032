// `status`: one call gathers the health of every part, the archiver group and its lag, the backlog and the rate of
// moves. A part that cannot be reached is reported as such and the rest is still gathered from what can be.
import { coldAt } from '../core/coldRule.ts';
import { errorMessage, SpecMisfitError } from '../core/errors.ts';
import type { Topic } from '../core/settings.ts';
import type { ArchiveSpec } from '../core/spec/archiveSpec.ts';
import { dateOrNull, pgTimestampMs } from '../core/timestamps.ts';
import { openColdStore, redact, type ColdStore } from '../edges/coldStore/index.ts';
import { moveCountsOf, openMoverHotStore, type MoverHotStore } from '../edges/hotStore/index.ts';
import { connectKafka, type KafkaEdge } from '../edges/kafka/index.ts';
import { connectorStatus, loadConnectorDefinition } from '../edges/kafkaConnect/index.ts';
import { etaOf, judge, ratesOf, type PartHealth, type StatusReport } from './report.ts';
import type { StatusSettings } from './settings.ts';
import { kafkaSecurity } from '../core/kafkaSecurity.ts';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

async function attempt<T>(open: () => Promise<T>): Promise<{ value?: T; error?: string; misfit?: boolean }> {
  try {
    return { value: await open() };
  } catch (err) {
    return { error: errorMessage(err), misfit: err instanceof SpecMisfitError };
  }
}

export async function gatherStatus(
  s: Topic<StatusSettings>,
  spec: ArchiveSpec,
  o: { count: boolean },
): Promise<StatusReport> {
  const health: PartHealth[] = [];
  const partial: Omit<StatusReport, 'problems' | 'exitCode'> = {
    at: new Date().toISOString(),
    settings: { coldAfterMs: s.COLD_AFTER, group: s.ARCHIVER_GROUP_ID, topic: s.TICKETS_TOPIC },
    health,
  };
  const connector = loadConnectorDefinition(spec);
  const slotName = connector.config['slot.name'] ?? 'ticket_archiver_cdc';
  const hot = await attempt(() =>
    openMoverHotStore({ databaseUrl: s.DATABASE_URL, applicationName: 'ticket-archiver/status', poolSize: 2 }, spec),
  );
  const cold = await attempt(() => openColdStore(s.MONGODB_URL, spec, { timeoutMs: 5000, database: s.COLD_DATABASE }));
  // Few retries: an unreachable Kafka is reported in seconds, not after kafkajs's minute of backoff.
  const kafka = await attempt(() =>
    connectKafka({
      brokers: s.KAFKA_BROKERS,
      clientId: 'ticket-archiver-status',
      quiet: true,
      retry: { retries: 1, initialRetryTime: 300, maxRetryTime: 2000 },
      security: kafkaSecurity(s),
    }),
  );
  try {
    health.push(
      hot.value
        ? { part: 'postgres', ok: true, detail: 'answers' }
        : { part: 'postgres', ok: false, unreachable: hot.misfit !== true, detail: hot.error ?? '' },
    );
    if (hot.value) health.push(await slotHealth(hot.value, slotName, s.SLOT_WAL_WARNING));
    health.push(
      kafka.value
        ? { part: 'kafka', ok: true, detail: s.KAFKA_BROKERS.join(',') }
        : { part: 'kafka', ok: false, unreachable: true, detail: kafka.error ?? '' },
    );
    health.push(await connectorHealth(s.KAFKA_CONNECT_URL, connector.name));
    health.push(
      cold.value
        ? { part: 'cold store', ok: true, detail: redact(s.MONGODB_URL) }
        : { part: 'cold store', ok: false, unreachable: true, detail: cold.error ?? '' },
    );

    if (kafka.value) partial.group = await groupOf(kafka.value, s);
    if (hot.value && cold.value) {
      const [backlog, minutes] = await Promise.all([
        hot.value.inspection.backlog(s.COLD_AFTER, o.count),
        hot.value.inspection.minuteMoves(),
      ]);
      partial.backlog = await backlogOf(cold.value, s, backlog, kafka.value);
      partial.rates = ratesOf(moveCountsOf(minutes));
      const due = partial.backlog.timersDue;
      partial.eta = etaOf({ remaining: backlog.count, minutes, dueNextHour: due.nextHour, dueNextDay: due.nextDay });
    }
    if (cold.value) {
      const { last, lastOk } = await cold.value.runs.latest();
      partial.lastPass = last
        ? { ok: last.ok, endedAt: last.endedAt.toISOString(), counts: last.counts, errors: last.errors }
        : null;
      partial.lastOkPass = lastOk ? { endedAt: lastOk.endedAt.toISOString() } : null;
    }
  } finally {
    await hot.value?.close();
    await cold.value?.close();
    await kafka.value?.close();
  }
  return { ...partial, ...judge(partial, s.STATUS_MAX_PASS_AGE, Date.now()) };
}

async function slotHealth(hot: MoverHotStore, name: string, warnBytes: number): Promise<PartHealth> {
  const slot = await hot.inspection.slot(name).catch(() => undefined);
  if (!slot)
    return { part: 'replication slot', ok: false, detail: `${name} does not exist (is the connector registered?)` };
  if (slot.lost)
    return {
      part: 'replication slot',
      ok: false,
      detail: `${name} LOST: PostgreSQL invalidated it at max_slot_wal_keep_size; the connector cannot resume (a new slot and a backfill are needed)`,
    };
  const bound = slot.walLimitBytes === null ? ' (no max_slot_wal_keep_size)' : ` of ${mb(slot.walLimitBytes)} allowed`;
  const detail = `${name} ${slot.active ? 'active' : 'INACTIVE'}, WAL retained ${mb(slot.walRetainedBytes)}${bound}`;
  if (!slot.active)
    return { part: 'replication slot', ok: false, detail: `${detail}: nothing reads it, so the WAL grows` };
  if (slot.walRetainedBytes > warnBytes)
    return { part: 'replication slot', ok: false, detail: `${detail}, above SLOT_WAL_WARNING (${mb(warnBytes)})` };
  return { part: 'replication slot', ok: true, detail };
}

async function connectorHealth(url: string | undefined, name: string): Promise<PartHealth> {
  if (!url)
    return { part: 'connector', ok: false, detail: 'KAFKA_CONNECT_URL is not set: the connector cannot be checked' };
  try {
    const st = await connectorStatus(url, name);
    if (!st) return { part: 'connector', ok: false, detail: `connector ${name} is not registered at ${url}` };
    const tasks = st.tasks.map((t) => `task ${t.id} ${t.state}`).join(', ') || 'no task';
    const ok = st.connector.state === 'RUNNING' && st.tasks.length > 0 && st.tasks.every((t) => t.state === 'RUNNING');
    return { part: 'connector', ok, detail: `${name} ${st.connector.state}, ${tasks}` };
  } catch (err) {
    return { part: 'connector', ok: false, unreachable: true, detail: `connector ${name}: ${errorMessage(err)}` };
  }
}

async function groupOf(kafka: KafkaEdge, s: Topic<StatusSettings>): Promise<NonNullable<StatusReport['group']>> {
  const [group, lag] = await Promise.all([
    kafka.groupMembers(s.ARCHIVER_GROUP_ID, s.TICKETS_TOPIC),
    kafka.groupLag(s.ARCHIVER_GROUP_ID, s.TICKETS_TOPIC),
  ]);
  const byPartition = Object.fromEntries([...lag].sort((a, b) => a[0] - b[0]).map(([p, n]) => [String(p), n]));
  return {
    state: group.state,
    members: group.members.map((m) => ({ clientId: m.clientId, host: m.host, partitions: m.partitions })),
    lag: { byPartition, total: [...lag.values()].reduce((a, b) => a + b, 0) },
  };
}

async function backlogOf(
  cold: ColdStore,
  s: Topic<StatusSettings>,
  backlog: { count: number; estimate: boolean; oldestLastOperatedAt: string | null },
  kafka: KafkaEdge | undefined,
): Promise<NonNullable<StatusReport['backlog']>> {
  const timers = cold.timersOf(s.ARCHIVER_GROUP_ID);
  const now = Date.now();
  const lastOperatedAtMs = backlog.oldestLastOperatedAt === null ? NaN : pgTimestampMs(backlog.oldestLastOperatedAt);
  const overdueSince = dateOrNull(coldAt({ closed: true, lastOperatedAtMs }, s.COLD_AFTER) ?? NaN);
  return {
    coldStillHot: backlog.count,
    estimate: backlog.estimate,
    oldestOverdueSince: overdueSince?.toISOString() ?? null,
    timersDue: {
      nextHour: await timers.dueBefore(new Date(now + 3_600_000)),
      nextDay: await timers.dueBefore(new Date(now + 86_400_000)),
    },
    stuck: await cold.stuck.summary(),
    deadLetters: kafka ? ((await kafka.topicMessages(s.DEAD_LETTER_TOPIC ?? `${s.TICKETS_TOPIC}.dlq`)) ?? 0) : null,
  };
}
