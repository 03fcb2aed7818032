// The start every fault run shares (a scenario's, the random run's): a wiped stack, the table loaded, two archivers,
// the backfill signalled, live traffic.
import pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import { createKafka } from '../../services/edges/kafka/client.ts';
import { createTextPool } from '../../services/edges/hotStore/pool.ts';
import { openStores, type Stores } from '../support/stores.ts';
import { groupAtEnd, topicSettled } from '../support/ticketsTopic.ts';
import { ArchiverFleet } from './archiverFleet.ts';
import { ConnectorSupervisor } from './connectorSupervisor.ts';
import type { FaultStack } from './faultStack.ts';
import { signalBackfill } from './faultTable.ts';
import { LiveTraffic } from './liveTraffic.ts';
import type { FaultTable } from './faultTable.ts';
import { loadTickets, type LoadedTickets } from './ticketLoad.ts';

export interface RunOptions {
  /** The table archived (faultTable.ts): the brief's public.tickets or a help desk's. */
  table: FaultTable;
  tickets: number;
  /** Business updates per second while the backfill runs. */
  trafficPerSecond: number;
  coldAfterSeconds: number;
  settleTimeoutSeconds: number;
  machine: string;
  log(m: string): void;
}

/** What a scenario changes in the start of its run. */
export interface RunHooks {
  /** On the wiped stack, before the table is prepared (the cold-store-full scenario bounds the cold store's disk). */
  afterFresh?: () => Promise<void>;
  /** Settings of the archivers' own on top of the run's (the network scenario's proxied store URLs). */
  archiverSettings?: (env: StackEnv) => Promise<Record<string, string>>;
}

export interface FaultRun {
  env: StackEnv;
  stores: Stores;
  superuser: pg.Pool;
  loaded: LoadedTickets;
  groupId: string;
  fleet: ArchiverFleet;
  traffic: LiveTraffic;
  topicAtStart: number;
  connectors: ConnectorSupervisor;
  close(): Promise<void>;
}

/** A wiped stack with the table ready (its database, spec and connector) and loaded; two archivers of a new group
 * that starts after the loaded tickets' inserts; the backfill signalled (an incremental snapshot); live traffic
 * running. */
export async function beginFaultRun(
  stack: FaultStack,
  o: RunOptions,
  group: string,
  log: (m: string) => void,
  hooks: RunHooks = {},
): Promise<FaultRun> {
  log(`starting a wiped stack for ${o.table.sql}`);
  const fresh = await stack.fresh();
  await hooks.afterFresh?.();
  const env = await o.table.prepare(fresh, log);
  const stores = await openStores(env, { spec: o.table.spec, coldDatabase: o.table.coldDatabase });
  const superuser = new pg.Pool({ connectionString: env.STACK_PG_SUPERUSER_URL, max: 2 });
  const connectors = new ConnectorSupervisor(env.KAFKA_CONNECT_URL, log);
  superuser.on('error', () => undefined); // the postgres scenario restarts the server under it
  // Business writes to parts as the tables' owner, reading back what they wrote as exact text (the part book's rows).
  const partsDb = o.table.parts
    ? createTextPool(env.MIGRATIONS_DATABASE_URL, 'faults-parts-traffic', 4, () => undefined)
    : undefined;
  let fleet: ArchiverFleet | undefined;
  let traffic: LiveTraffic | undefined;
  const close = async () => {
    await traffic?.stop();
    await fleet?.close();
    await connectors.stop();
    await superuser.end();
    await partsDb?.end();
    await stores.close();
  };
  try {
    const loaded = await loadTickets(o.table, stores.db, stores.textDb, o.tickets, o.coldAfterSeconds);
    log(
      `loaded ${loaded.total} tickets: ${loaded.coldIds.length} cold, ${loaded.dueSoonIds.length} turning cold during the run, ${loaded.openIds.length} open${loaded.partRows ? `; part rows ${JSON.stringify(loaded.partRows)}, ${o.table.parts?.book.size} in the part book` : ''}`,
    );
    // The archivers learn of the loaded tickets from the backfill alone: their group starts after the insert events.
    await topicSettled(env);
    const groupId = await groupAtEnd(env, group);
    fleet = new ArchiverFleet(
      env,
      {
        ...o.table.settings,
        ARCHIVER_GROUP_ID: groupId,
        COLD_AFTER: `${o.coldAfterSeconds}s`,
        LOG_LEVEL: 'info',
        ...(await hooks.archiverSettings?.(env)),
      },
      log,
    );
    await fleet.startReady(2);
    const topicAtStart = await topicSize(env);
    await signalBackfill(env, o.table);
    traffic = new LiveTraffic(
      o.table,
      stores.db,
      loaded.coldIds,
      loaded.openIds,
      o.trafficPerSecond,
      o.coldAfterSeconds,
      partsDb,
    );
    traffic.start();
    log('backfill signalled; two archivers and live traffic running');
    return { env, stores, superuser, loaded, groupId, fleet, traffic, topicAtStart, connectors, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Messages ever written to the tickets topic (the sum of its partitions' end offsets). */
export async function topicSize(env: StackEnv): Promise<number> {
  const admin = createKafka({
    brokers: env.KAFKA_BROKERS.split(','),
    clientId: 'faults-progress',
    quiet: true,
  }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(env.TICKETS_TOPIC)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}
