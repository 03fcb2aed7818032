// One scenario, start to end: a wiped stack, a loaded table, a backfill by two archivers under live traffic, one
// fault, then settle, reconcile, verify and the suite's own checks. Returns the scenario's result row.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StackEnv } from '../../infra/local/stack.ts';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy.ts';
import { conclude, conclusionFields, waitUntilNoneOverdue } from './conclusion.ts';
import type { FaultStack } from './faultStack.ts';
import { faultCodeVersion, type FaultResult } from './results.ts';
import type { FaultContext, Scenario } from './scenarios.ts';
import { beginFaultRun, topicSize, type RunOptions } from './faultRun.ts';

export async function runScenario(stack: FaultStack, scenario: Scenario, o: RunOptions): Promise<FaultResult> {
  const log = (m: string) => o.log(`[${scenario.name}] ${m}`);
  const began = Date.now();
  let network: FaultProxy | undefined;
  // The network scenario's archivers reach both stores through Toxiproxy; everyone else (traffic, checks) directly.
  const throughProxy = async (env: StackEnv) => {
    network = await startFaultProxy(
      stack.settings,
      { hot: portOf(env.DATABASE_URL), cold: portOf(env.MONGODB_URL) },
      log,
    );
    return {
      DATABASE_URL: network.through('hot', env.DATABASE_URL),
      MONGODB_URL: network.through('cold', env.MONGODB_URL),
    };
  };
  const run = await beginFaultRun(stack, o, `faults-${scenario.name}`, log, {
    ...(scenario.network ? { archiverSettings: throughProxy } : {}),
    ...(scenario.afterFresh ? { afterFresh: () => scenario.afterFresh?.(stack, log) ?? Promise.resolve() } : {}),
  }).catch(async (err: unknown) => {
    await network?.stop();
    throw err;
  });
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
      archived: archivedLoaded,
      ...(network ? { network } : {}),
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
      stack: stack.shape,
    };
    log(`result: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await run.close();
    await network?.stop();
  }
}

const portOf = (url: string) => Number(new URL(url).port);

/** Polls `read` until it reaches `target`; a read that fails (a component is down) just polls again. */
async function reach(what: string, read: () => Promise<number>, target: number, timeoutSeconds: number): Promise<void> {
  let n = -1;
  for (const deadline = Date.now() + timeoutSeconds * 1000; Date.now() < deadline; await sleep(100)) {
    n = await read().catch(() => n);
    if (n >= target) return;
  }
  throw new Error(`stalled: ${what} not reached in ${timeoutSeconds} s (at ${n} of ${target})`);
}
