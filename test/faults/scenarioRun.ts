// One scenario, start to end: a wiped stack, a loaded table, a backfill by two archivers under live traffic, one
// fault, then settle, reconcile, verify and the suite's own checks. Returns the scenario's result row.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import { createKafka } from '../../services/edges/kafka/client.ts';
import { archiverEnv, groupAtEnd, groupLag, runCli, signalBackfill, topicSettled } from '../support/archiverProcess.ts';
import { openStores, type Stores } from '../support/stores.ts';
import { ArchiverFleet } from './archiverFleet.ts';
import type { FaultStack } from './faultStack.ts';
import { LiveTraffic } from './liveTraffic.ts';
import { faultCodeVersion, type FaultResult } from './results.ts';
import type { FaultContext, Scenario } from './scenarios.ts';
import { checkTiers, tierViolationCount } from './tierChecks.ts';
import { loadTickets } from './ticketLoad.ts';

export interface RunOptions {
  tickets: number;
  /** Business updates per second while the backfill runs. */
  trafficPerSecond: number;
  coldAfterSeconds: number;
  settleTimeoutSeconds: number;
  machine: string;
  log(m: string): void;
}

/** Seconds past its due time after which a cold ticket still hot counts as not settled (FRESHNESS_TARGET + a poll). */
const OVERDUE_SLACK_MS = 15_000;

export async function runScenario(stack: FaultStack, scenario: Scenario, o: RunOptions): Promise<FaultResult> {
  const log = (m: string) => o.log(`[${scenario.name}] ${m}`);
  const began = Date.now();
  log('starting a wiped stack');
  const env = await stack.fresh();
  const stores = await openStores(env);
  const superuser = new pg.Pool({ connectionString: env.STACK_PG_SUPERUSER_URL, max: 2 });
  superuser.on('error', () => undefined); // the postgres scenario restarts the server under it
  let fleet: ArchiverFleet | undefined;
  let traffic: LiveTraffic | undefined;
  try {
    const loaded = await loadTickets(stores.db, stores.textDb, o.tickets, o.coldAfterSeconds);
    log(`loaded ${loaded.total} tickets: ${loaded.coldIds.length} cold, ${loaded.dueSoonIds.length} turning cold during the run, ${loaded.openIds.length} open`);

    // The archivers learn of the loaded tickets from the backfill alone: their group starts after the insert events.
    await topicSettled(env);
    const groupId = await groupAtEnd(env, `faults-${scenario.name}`);
    const coldAfterMs = o.coldAfterSeconds * 1000;
    const settings = { ARCHIVER_GROUP_ID: groupId, COLD_AFTER: `${o.coldAfterSeconds}s`, LOG_LEVEL: 'info' };
    fleet = new ArchiverFleet(env, settings, log);
    await fleet.startReady(2);
    const topicAtStart = await topicSize(env);
    await signalBackfill(env);
    traffic = new LiveTraffic(stores.db, loaded.coldIds, loaded.openIds, o.trafficPerSecond, o.coldAfterSeconds);
    traffic.start();
    log('backfill signalled; two archivers and live traffic running');

    const archivedLoaded = async () =>
      Number(
        (
          await stores.db.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM public.ticket_archiver_ledger WHERE state = 'archived' AND ticket_id BETWEEN $1 AND $2`,
            [loaded.firstId.toString(), loaded.lastId.toString()],
          )
        ).rows[0]?.n,
      );
    const ctx: FaultContext = {
      stack,
      env,
      groupId,
      fleet,
      traffic,
      superuser,
      log,
      notes: [],
      progress: (fraction) =>
        reach(`${fraction * 100}% of the loaded cold tickets archived`, archivedLoaded, Math.floor(loaded.coldIds.length * fraction), o.settleTimeoutSeconds),
      snapshotProgress: (fraction) =>
        reach(`${fraction * 100}% of the table read by the snapshot`, () => topicSize(env), topicAtStart + Math.floor(loaded.total * fraction), o.settleTimeoutSeconds),
    };
    await scenario.inject(ctx);
    const faultEnded = Date.now();
    log(`fault over: ${ctx.notes.join('; ')}`);

    // Traffic goes on until the backfill is through the loaded tickets (none of them overdue), then stops.
    const through = await waitUntilNoneOverdue(stores, coldAfterMs, o.settleTimeoutSeconds * 1000, [loaded.firstId, loaded.lastId]);
    if (through === undefined) log('backfill did NOT get through the loaded tickets');
    await traffic.stop();
    log(`traffic stopped: ${JSON.stringify(traffic.counts)}`);

    // A canary, cold on arrival: archived only if the whole pipeline (Debezium, Kafka, archivers, cold store) works again.
    const canary = await insertCanary(stores, o.coldAfterSeconds);
    const settledAt = await settle(stores, env, groupId, coldAfterMs, o.settleTimeoutSeconds * 1000, canary);
    const settleSeconds = settledAt === undefined ? null : Math.round((settledAt - faultEnded) / 100) / 10;
    log(settledAt === undefined ? 'did NOT settle' : `settled ${settleSeconds} s after the fault`);

    const cliEnv = archiverEnv(env, { COLD_AFTER: `${o.coldAfterSeconds}s`, LOG_LEVEL: 'warn' });
    const reconcile = await runCli(['reconcile', '--once'], cliEnv, 600_000);
    const pass = JSON.parse(reconcile.stdout.trim().split('\n').pop() ?? '{}') as { ok?: boolean; counts?: Record<string, number> };
    if (reconcile.code !== 0) log(`reconcile --once exited ${reconcile.code}: ${reconcile.stderr.slice(-2000)}`);
    await fleet.stopAll();

    const verify = await runCli(['verify', '--json'], cliEnv, 600_000);
    const report = JSON.parse(verify.stdout.trim().split('\n').pop() ?? '{}') as { violationCount?: number; violations?: Record<string, string[]> };
    if (report.violationCount === undefined) throw new Error(`verify printed no report (exit ${verify.code}): ${verify.stderr}`);
    const untouchedHashes = new Map([...loaded.hashes].filter(([id]) => !traffic?.touched.has(id)));
    const created = (function* () {
      for (let id = loaded.firstId; id <= loaded.lastId; id++) yield id.toString();
      yield* traffic?.inserted ?? [];
      yield canary;
    })();
    const tiers = await checkTiers(stores.db, stores.cold, {
      created,
      untouchedHashes,
      loadedColumns: loaded.columns,
      coldAfterMs,
      ...(ctx.addedColumn ? { addedColumn: ctx.addedColumn } : {}),
    });
    const stuck = await stores.cold.listStuck({});
    const violations = report.violationCount + tierViolationCount(tiers);
    const retried = fleet.count('transient failure; retrying') + fleet.count('timer tick failed; retrying at the next tick') + (pass.counts?.stuckRetried ?? 0);
    const result: FaultResult = {
      scenario: scenario.name,
      tickets: loaded.total + traffic.inserted.length,
      moved: tiers.archived,
      retried,
      stuck: stuck.filter((s) => !s.escalated).length,
      escalated: stuck.filter((s) => s.escalated).length,
      violations,
      settleSeconds,
      title: scenario.title,
      fault: ctx.notes.join('; '),
      archiverCrashes: fleet.crashes,
      stuckRecorded: fleet.count('deletion stuck; recorded for the reconciler'),
      moveOutcomes: fleet.outcomes(),
      recopiedAfterSchemaChange: fleet.count('table changed shape during a move; copying again'),
      reconcilerPass: { ok: pass.ok ?? false, ...(pass.counts ?? {}) },
      violationsByCheck: {
        ...Object.fromEntries(Object.entries(report.violations ?? {}).map(([k, ids]) => [`verify.${k}`, ids.length])),
        lost: tiers.lost.length,
        notAsLoaded: tiers.notAsLoaded.length,
        notColdWhenDeleted: tiers.notColdWhenDeleted.length,
        missingAddedColumn: tiers.missingAddedColumn.length,
      },
      violatingIds: [...Object.values(report.violations ?? {}).flat(), ...tiers.lost, ...tiers.notAsLoaded, ...tiers.notColdWhenDeleted, ...tiers.missingAddedColumn].slice(0, 20),
      traffic: { ...traffic.counts },
      runSeconds: Math.round((Date.now() - began) / 1000),
      date: new Date().toISOString(),
      machine: o.machine,
      code: faultCodeVersion(),
    };
    log(`result: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await traffic?.stop();
    await fleet?.close();
    await superuser.end();
    await stores.close();
  }
}

async function insertCanary(stores: Stores, coldAfterSeconds: number): Promise<string> {
  const r = await stores.db.query<{ id: string }>(
    `INSERT INTO public.tickets (customer_id, status, subject, body, created_at, last_operated_at)
     VALUES (1, 'closed', 'canary', 'archived only when the pipeline works end to end', now() - interval '1 day',
             now() - $1 * interval '1 second' - interval '1 hour')
     RETURNING id::text AS id`,
    [coldAfterSeconds],
  );
  return r.rows[0]?.id as string;
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
  const admin = createKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'faults-progress', quiet: true }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(env.TICKETS_TOPIC)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Settled: a canary inserted after the fault is archived, the group has consumed everything, and no hot ticket is overdue (cold for longer than the freshness slack)
 * unless its deletion is recorded as stuck (the reconciler's job). Returns when, or undefined on timeout.
 */
async function settle(stores: Stores, env: StackEnv, groupId: string, coldAfterMs: number, timeoutMs: number, canary: string): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const canaryArchived = await stores.db
      .query(`SELECT 1 FROM public.ticket_archiver_ledger WHERE ticket_id = $1 AND state = 'archived'`, [canary])
      .then((r) => r.rowCount === 1)
      .catch(() => false);
    const lag = canaryArchived ? await groupLag(env, groupId).catch(() => -1) : -1;
    if (lag === 0 && (await waitUntilNoneOverdue(stores, coldAfterMs, 0)) !== undefined) return Date.now();
    if (Date.now() > deadline) return undefined;
    await sleep(1000);
  }
}

/** Waits until no hot ticket (in `range`, if given) is overdue, except stuck deletions. Returns when, or undefined. */
async function waitUntilNoneOverdue(stores: Stores, coldAfterMs: number, timeoutMs: number, range?: [bigint, bigint]): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stuckIds = (await stores.cold.listStuck({}).catch(() => undefined))?.map((s) => s._id.toString());
    const overdue =
      stuckIds &&
      (await stores.db
        .query<{ n: string }>(
          `SELECT count(*)::text AS n FROM public.tickets
            WHERE status = 'closed' AND last_operated_at < now() - ($1::bigint * interval '1 millisecond')
              AND NOT (id = ANY($2::bigint[])) AND id BETWEEN $3 AND $4`,
          [coldAfterMs + OVERDUE_SLACK_MS, stuckIds, (range?.[0] ?? 0n).toString(), (range?.[1] ?? 2n ** 63n - 1n).toString()],
        )
        .catch(() => undefined));
    if (overdue?.rows[0]?.n === '0') return Date.now();
    if (Date.now() >= deadline) return undefined;
    await sleep(1000);
  }
}
