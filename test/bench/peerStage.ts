// The peer, side by side with the archiver: the MongoDB Kafka sink connector with its Debezium PostgreSQL handler in
// our Kafka Connect, replicating the tickets topic into the same cold store. A fresh stack with the same generated
// tickets; the topic filled by Debezium's stream of their inserts (whole rows: a copy needs every column); then the
// sink starts from the topic's beginning and is timed until the collection holds every ticket.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from 'mongodb';
import { restartConnectWithMongoSink } from '../../infra/local/mongoSinkWorker.ts';
import type { StackEnv } from '../../infra/local/stack.ts';
import {
  loadConnectorDefinition,
  registerConnector,
  waitForConnectorRunning,
} from '../../services/edges/kafkaConnect/index.ts';
import type { IsolatedStack } from '../support/isolatedStack.ts';
import { defaultSpec } from '../support/specs.ts';
import { stackKafkaAdmin, topicSettled } from '../support/ticketsTopic.ts';
import { openBenchStores } from './benchStores.ts';
import {
  PEER_COLLECTION,
  PEER_CONNECTOR,
  PEER_DATABASE,
  peerCredentials,
  peerSinkConfig,
  peerSinkProperties,
  type PeerProperty,
} from './peerConnector.ts';
import { followPeer, peerCollection } from './peerFollow.ts';
import { componentCpu, cpuBetween } from './processUsage.ts';
import type { StageOptions } from './stage.ts';
import type { ProgressSample } from './stats.ts';
import { generateTickets, type GeneratedTickets } from './ticketData.ts';

export interface PeerResult {
  contender: string;
  tickets: number;
  data: GeneratedTickets;
  /** Change events in the topic when the sink started, and its partitions (= the sink's tasks). */
  topicMessages: number;
  partitions: number;
  target: { database: string; collection: string; indexes: string[] };
  /** Documents in the collection at the end (every ticket, hot and cold, when complete). */
  docs: number;
  /** From the sink's registration to the sample that saw its last document. */
  seconds: number;
  ticketsPerSecond: number;
  /** When the first document appeared (task start, group join, first poll), and the rate after it. */
  firstDocSeconds: number | null;
  steadyTicketsPerSecond: number | null;
  complete: boolean;
  /** The sink's consumer group lag (committed offsets, flushed every 5 s) at the end. */
  lagAtEnd: number;
  progress: ProgressSample[];
  cpuByComponent: Record<string, number>;
  /** Every property of the sink connector, with why (credentials redacted). */
  config: PeerProperty[];
  errors: string[];
  notes: string[];
}

/** What the peer uses of the stages' options (any StageOptions will do). */
export type PeerOptions = Pick<StageOptions, 'tickets' | 'coldAfterMs' | 'log'>;

export async function peerStage(stack: IsolatedStack, o: PeerOptions): Promise<PeerResult> {
  o.log('starting a wiped stack');
  const env = await stack.fresh();
  await restartConnectWithMongoSink(stack.variables, (m) => o.log(m));
  await wholeRowEvents(env);
  const stores = await openBenchStores({
    databaseUrl: env.MIGRATIONS_DATABASE_URL,
    mongodbUrl: env.MONGODB_URL,
    coldAfterMs: o.coldAfterMs,
    poolSize: 4,
  });
  try {
    const indexes = await peerCollection(stores.coldDb);
    const data = await generateTickets(stores.pool, o.tickets, o.coldAfterMs, (m) => o.log(m));
    o.log(`${data.total} tickets (${data.cold} cold) in ${data.seconds.toFixed(0)} s; waiting for the topic`);
    await topicSettled(env, 600_000 + o.tickets * 2);
    const { partitions, messages } = await topicSize(env);
    const { uri, file } = peerCredentials(env.MONGODB_URL, stack.settings.confDir);
    const props = peerSinkProperties({ topic: env.TICKETS_TOPIC, partitions, uri, credentialsFile: file });
    const before = componentCpu(stack.settings.dir, new Map());
    const began = performance.now();
    await registerConnector(env.KAFKA_CONNECT_URL, { name: PEER_CONNECTOR, config: peerSinkConfig(props) });
    o.log(`peer sink registered: ${partitions} tasks over ${messages} events for ${data.total} tickets`);
    const follow = await followPeer(env, stores.coldDb, data.total, began, {
      timeoutSeconds: 300 + o.tickets / 100,
      stallSeconds: 60,
      log: (m) => o.log(m),
    });
    // A component whose processes exited meanwhile (the generator's hot backends) reads negative: left out.
    const cpuByComponent = Object.fromEntries(
      Object.entries(cpuBetween(before, componentCpu(stack.settings.dir, new Map()))).filter(([, s]) => s >= 0),
    );
    await deleteConnector(env, PEER_CONNECTOR);
    const shape = await documentShape(stores.coldDb);
    const rate = follow.docs / follow.seconds;
    const steady =
      follow.firstDocSeconds === null || follow.seconds <= follow.firstDocSeconds
        ? null
        : follow.docs / (follow.seconds - follow.firstDocSeconds);
    o.log(
      `peer: ${follow.docs} documents in ${follow.seconds.toFixed(1)} s (${rate.toFixed(0)}/s; ${steady?.toFixed(0) ?? 'n/a'}/s after the first at ${follow.firstDocSeconds?.toFixed(1) ?? 'n/a'} s)${follow.complete ? '' : ' INCOMPLETE'}`,
    );
    for (const e of follow.errors) o.log(`peer error: ${e}`);
    return {
      contender: 'MongoDB Kafka sink 2.0.1 (Debezium PostgreSQL handler)',
      tickets: o.tickets,
      data,
      topicMessages: messages,
      partitions,
      target: { database: PEER_DATABASE, collection: PEER_COLLECTION, indexes },
      docs: follow.docs,
      seconds: follow.seconds,
      ticketsPerSecond: rate,
      firstDocSeconds: follow.firstDocSeconds,
      steadyTicketsPerSecond: steady,
      complete: follow.complete,
      lagAtEnd: follow.lagAtEnd,
      progress: follow.progress,
      cpuByComponent,
      config: props,
      errors: follow.errors,
      notes: [
        `copies every ticket, hot and cold (${data.total}, of which ${data.cold} cold): it has no cold rule`,
        'never deletes from the hot table: the hot table keeps growing, nothing is archived',
        'does not check what it writes: no version check, no re-read, no read-back, no verify',
        `documents as written: ${shape}`,
        'tickets connector reconfigured without column.include.list (whole rows in the events, bodies included) for a full copy, and with skipped.operations=t (the handler fails its task on a truncate event)',
        'the topic was filled before the sink started (stream of the inserts); no business update stream while it ran',
      ],
    };
  } finally {
    await stores.close();
  }
}

/** The tickets connector without its column list (the events carry every column, as a copy needs) and without
 * truncate events, which the sink's Debezium handler refuses ("Unknown operation type t", failing the task): the
 * benchmark's data generation TRUNCATEs the table first. */
async function wholeRowEvents(env: StackEnv): Promise<void> {
  const def = loadConnectorDefinition(defaultSpec);
  const config = Object.fromEntries(Object.entries(def.config).filter(([k]) => k !== 'column.include.list'));
  config['skipped.operations'] = 't';
  await registerConnector(env.KAFKA_CONNECT_URL, { name: def.name, config });
  await sleep(3000); // the reconfigured task restarts
  await waitForConnectorRunning(env.KAFKA_CONNECT_URL, def.name, 120_000);
}

async function topicSize(env: StackEnv): Promise<{ partitions: number; messages: number }> {
  const admin = stackKafkaAdmin(env, 'bench-peer');
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(env.TICKETS_TOPIC);
    const messages = offsets.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
    return { partitions: offsets.length, messages };
  } finally {
    await admin.disconnect();
  }
}

async function deleteConnector(env: StackEnv, name: string): Promise<void> {
  const res = await fetch(new URL(`/connectors/${encodeURIComponent(name)}`, env.KAFKA_CONNECT_URL), {
    method: 'DELETE',
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok && res.status !== 404) throw new Error(`deleting connector ${name}: HTTP ${res.status}`);
}

/** One document's _id and the type of each of its fields as the handler wrote them (timestamps as text, for one). */
async function documentShape(db: Db): Promise<string> {
  const doc = await db.collection(PEER_COLLECTION).findOne({}, { promoteLongs: false });
  if (!doc) return 'none';
  const typeOf = (v: unknown) =>
    v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? v.constructor.name : typeof v;
  const types = (o: object): string =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${typeOf(v) === 'Object' ? `{${types(v as object)}}` : typeOf(v)}`)
      .join(', ');
  return types(doc);
}
