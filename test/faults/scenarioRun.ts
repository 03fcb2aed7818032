// One scenario, start to end: a wiped stack, a loaded table, a backfill by two archivers under live traffic, one
// fault, then settle, reconcile, verify and the suite's own checks. Returns the scenario's result row.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import { createKafka } from '../../services/edges/kafka/client.ts';
import { createTextPool } from '../../services/edges/hotStore/pool.ts';
import { openStores, type Stores } from '../support/stores.ts';
import { groupAtEnd, topicSettled } from '../support/ticketsTopic.ts';
import { ArchiverFleet } from './archiverFleet.ts';
import { conclude, conclusionFields, waitUntilNoneOverdue } from './conclusion.ts';
import { ConnectorSupervisor } from './connectorSupervisor.ts';
import type { FaultStack } from './faultStack.ts';
import { signalBackfill, type FaultTable } from './faultTable.ts';
import { LiveTraffic } from './liveTraffic.ts';
import { faultCodeVersion, type FaultResult } from './results.ts';
import type { FaultContext, Scenario } from './scenarios.ts';
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

export async function runScenario(stack: FaultStack, scenario: Scenario, o: RunOptions): Promise<FaultResult> {
  const log = (m: string) => o.log(`[${scenario.name}] ${m}`);
  const began = Date.now();
  const run = await beginFaultRun(stack, o, `faults-${scenario.name}`, log);
  const { env, stores, superuser, loaded, groupId, fleet, traffic, topicAtStart, connectors } = run;
  const coldAfterMs = o.coldAfterSeconds * 1000;
  try {
    const archivedLoaded = async () =>
      Number(
        (
          await stores.db.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM ticket_archiver.ledger WHERE state = 'archived' AND ticket_key::bigint BETWEEN $1 AND $2`,
            [loaded.firstId.toString(), loaded.lastId.toString()],
          )
        ).rows[0]?.n,
      );
    const ctx: FaultContext = {
      stack,
      table: o.table,
      env,
      groupId,
      fleet,
      traffic,
      superuser,
      log,
      notes: [],
      progress: (fraction) =>
        reach(
          `${fraction * 100}% of the loaded cold tickets archived`,
          archivedLoaded,
          Math.floor(loaded.coldIds.length * fraction),
          o.settleTimeoutSeconds,
        ),
      snapshotProgress: (fraction) =>
        reach(
          `${fraction * 100}% of the table read by the snapshot`,
          () => topicSize(env),
          topicAtStart + Math.floor(loaded.total * fraction),
          o.settleTimeoutSeconds,
        ),
    };
    await scenario.inject(ctx);
    const faultEnded = Date.now();
    log(`fault over: ${ctx.notes.join('; ')}`);

    // Traffic goes on until the backfill is through the loaded tickets (none of them overdue), then stops.
    const through = await waitUntilNoneOverdue(o.table, stores, coldAfterMs, o.settleTimeoutSeconds * 1000, [
      loaded.firstId,
      loaded.lastId,
    ]);
    if (through === undefined) log('backfill did NOT get through the loaded tickets');
    await traffic.stop();
    log(`traffic stopped: ${JSON.stringify({ ...traffic.counts, ...traffic.partCounts })}`);

    const untouched = new Map(
      [...loaded.hashes]
        .filter(([id]) => !traffic?.touched.has(id))
        .map(([id, hash]) => [id, { hash, columns: loaded.columns }]),
    );
    const created = (function* () {
      for (let id = loaded.firstId; id <= loaded.lastId; id++) yield id.toString();
      yield* traffic?.inserted ?? [];
    })();
    const end = await conclude({
      stores,
      env,
      groupId,
      fleet,
      coldAfterSeconds: o.coldAfterSeconds,
      settleTimeoutSeconds: o.settleTimeoutSeconds,
      faultEnded,
      checks: { table: o.table, created, untouched, addedColumns: ctx.addedColumn ? [ctx.addedColumn] : [] },
      log,
    });
    if (end.settleSeconds === null) {
      // The archivers' logs go with the stack when it is wiped for the next scenario: keep them for the diagnosis.
      const file = join(tmpdir(), 'ticket-archiver-faults', `${o.table.name}-${scenario.name}-${Date.now()}.log`);
      fleet.writeLogs(file);
      log(`archivers' logs: ${file}`);
    }
    const result: FaultResult = {
      scenario: scenario.name,
      table: o.table.sql,
      tickets: loaded.total + traffic.inserted.length,
      ...conclusionFields(end, fleet, connectors),
      title: scenario.title,
      fault: ctx.notes.join('; '),
      traffic: { ...traffic.counts, ...traffic.partCounts },
      runSeconds: Math.round((Date.now() - began) / 1000),
      date: new Date().toISOString(),
      machine: o.machine,
      code: faultCodeVersion(),
    };
    log(`result: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await run.close();
  }
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
): Promise<FaultRun> {
  log(`starting a wiped stack for ${o.table.sql}`);
  const env = await o.table.prepare(await stack.fresh(), log);
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
      { ...o.table.settings, ARCHIVER_GROUP_ID: groupId, COLD_AFTER: `${o.coldAfterSeconds}s`, LOG_LEVEL: 'info' },
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

/** Polls `read` until it reaches `target`; a read that fails (a component is down) just polls again. */
async function reach(what: string, read: () => Promise<number>, target: number, timeoutSeconds: number): Promise<void> {
  let n = -1;
  for (const deadline = Date.now() + timeoutSeconds * 1000; Date.now() < deadline; await sleep(100)) {
    n = await read().catch(() => n);
    if (n >= target) return;
  }
  throw new Error(`stalled: ${what} not reached in ${timeoutSeconds} s (at ${n} of ${target})`);
}

/** Messages ever written to the tickets topic (the sum of its partitions' end offsets). */
async function topicSize(env: StackEnv): Promise<number> {
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
