// The operators' commands on a growing table (issue 24: "status --json and plan on 1M and 10M tickets: their time
// does not grow with the table"). The installed program (npm pack, as npx runs it) is run as an operator runs it, a
// child process against the benchmark's stack, several times at each size: `status --json` and `plan --json` (their
// defaults: the planner's estimates), `status --json --count` for contrast (an exact count of the backlog), and
// `--version` (the program's start alone, which every command pays). The table grows between sizes by the same mix.
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import { archiverEnv } from '../support/archiverEnv.ts';
import { installProgram } from '../support/installedProgram.ts';
import type { IsolatedStack } from '../support/isolatedStack.ts';
import { runCli } from '../support/runCli.ts';
import { defaultSpec } from '../support/specs.ts';
import { loadConnectorDefinition } from '../../services/edges/kafkaConnect/index.ts';
import { createTextPool } from '../../services/edges/hotStore/pool.ts';
import { COLD_SPREAD_DAYS, insertTickets, settle } from './operatorTickets.ts';
import type { StageOptions } from './stage.ts';
import { round, spread, type Spread } from './stats.ts';

/** The product's default age (COLD_AFTER), not the benchmark's short one: `plan` looks 30 days ahead of it. */
const COLD_AFTER = '30d';
const COLD_AFTER_MS = 30 * 86_400_000;

export interface CommandTimes {
  /** Wall seconds from spawn to exit, per run. */
  seconds: Spread;
  exitCodes: number[];
}

export interface OperatorQueriesAtSize {
  tickets: number;
  tableBytes: number;
  loadSeconds: number;
  /** VACUUM (ANALYZE) and a checkpoint after the load. */
  settleSeconds: number;
  /** Tickets cold but still hot: counted (`--count`), and as status and plan estimate them. */
  coldCounted: number;
  coldStatusEstimate: number;
  coldPlanEstimate: number;
  startup: CommandTimes;
  status: CommandTimes;
  plan: CommandTimes;
  count: CommandTimes;
  /** The queries plan reports (its `queries`), of its median run: how many, their summed time, the slowest. */
  planQueries: { count: number; totalMs: number; slowest: Array<{ name: string; ms: number; plan: string }> };
  /** The machine's 1-minute load average when the timed rounds began and ended: other work running meanwhile (on 2
   * cores, above 2 means the commands waited for a core). */
  loadAverage: { before: number; after: number };
}

export interface OperatorQueriesResult {
  coldAfter: string;
  runs: number;
  program: string;
  sizes: OperatorQueriesAtSize[];
  notes: string[];
}

export type Command = 'startup' | 'status' | 'plan' | 'count';

/** The largest size's time over the smallest's (1.0 is flat): of the medians, or of the fastest runs (the least
 * disturbed by other work on a shared machine: a command's own cost is at most its fastest time). */
export function growthRatio(sizes: OperatorQueriesAtSize[], command: Command, of: 'median' | 'min' = 'median') {
  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  if (!first || !last || first === last) return null;
  return round(last[command].seconds[of] / first[command].seconds[of], 2);
}

interface PlanJson {
  cold?: { count?: number };
  queries?: Array<{ name: string; ms: number; plan: string }>;
}
interface StatusJson {
  backlog?: { coldStillHot?: number };
}

const lastLine = (stdout: string) => stdout.trim().split('\n').pop() ?? '{}';

/** Runs `args` once, timed; a store unreachable (status exit 2) or a failed plan stops the stage. */
async function timed(program: string[], args: string[], env: NodeJS.ProcessEnv) {
  const began = performance.now();
  const res = await runCli(args, env, 30 * 60_000, program);
  const seconds = (performance.now() - began) / 1000;
  const okCodes = args[0] === 'status' ? [0, 1] : [0];
  if (!okCodes.includes(res.code ?? -1))
    throw new Error(`ticket-archiver ${args.join(' ')} exited ${res.code}:\n${res.stderr.slice(-2000)}`);
  return { seconds, code: res.code ?? -1, stdout: res.stdout };
}

/** `runs` rounds of every command, interleaved so that a change of the machine's load falls on all of them alike;
 * one unrecorded round first (the first run after a load reads cold caches). */
async function measure(program: string[], env: StackEnv, runs: number, log: (m: string) => void) {
  const cliEnv = archiverEnv(env, { COLD_AFTER, LOG_LEVEL: 'warn' });
  const commands = {
    startup: ['--version'],
    status: ['status', '--json'],
    plan: ['plan', '--json'],
    count: ['status', '--json', '--count'],
  } as const;
  type Name = keyof typeof commands;
  const names = Object.keys(commands) as Name[];
  const times = Object.fromEntries(names.map((n) => [n, [] as Array<{ seconds: number; code: number }>])) as Record<
    Name,
    Array<{ seconds: number; code: number }>
  >;
  const plans: Array<{ seconds: number; report: PlanJson }> = [];
  let statusReport: StatusJson = {};
  let countReport: StatusJson = {};
  for (let round = 0; round <= runs; round++) {
    for (const name of names) {
      const r = await timed(program, [...commands[name]], cliEnv);
      if (round === 0) continue;
      times[name].push({ seconds: r.seconds, code: r.code });
      if (name === 'plan') plans.push({ seconds: r.seconds, report: JSON.parse(lastLine(r.stdout)) as PlanJson });
      if (name === 'status') statusReport = JSON.parse(lastLine(r.stdout)) as StatusJson;
      if (name === 'count') countReport = JSON.parse(lastLine(r.stdout)) as StatusJson;
    }
    if (round > 0)
      log(`round ${round}: ${names.map((n) => `${n} ${times[n].at(-1)?.seconds.toFixed(2)} s`).join(', ')}`);
  }
  const of = (n: Name): CommandTimes => ({
    seconds: spread(times[n].map((t) => Math.round(t.seconds * 1000) / 1000)),
    exitCodes: times[n].map((t) => t.code),
  });
  const medianPlan = [...plans].sort((a, b) => a.seconds - b.seconds)[Math.floor((plans.length - 1) / 2)]?.report;
  const queries = medianPlan?.queries ?? [];
  return {
    startup: of('startup'),
    status: of('status'),
    plan: of('plan'),
    count: of('count'),
    coldStatusEstimate: statusReport.backlog?.coldStillHot ?? Number.NaN,
    coldCounted: countReport.backlog?.coldStillHot ?? Number.NaN,
    coldPlanEstimate: medianPlan?.cold?.count ?? Number.NaN,
    planQueries: {
      count: queries.length,
      totalMs: Math.round(queries.reduce((s, q) => s + q.ms, 0) * 10) / 10,
      slowest: [...queries].sort((a, b) => b.ms - a.ms).slice(0, 3),
    },
  };
}

/**
 * No CDC during the stage: the connector deleted and its replication slot dropped. Paused instead (as the copier's
 * stage does), its slot kept the load's WAL until max_slot_wal_keep_size (4 GB) invalidated it, and PostgreSQL 15's
 * checkpointer then waited for ever for the slot's walsender to exit: it was blocked writing to the paused task's
 * socket, which nobody read. No checkpoint completed after that, and the stage's CHECKPOINT hung.
 */
async function withoutCdc(env: StackEnv, superuser: pg.Pool): Promise<void> {
  const def = loadConnectorDefinition(defaultSpec);
  const res = await fetch(new URL(`/connectors/${encodeURIComponent(def.name)}`, env.KAFKA_CONNECT_URL), {
    method: 'DELETE',
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 204 && res.status !== 404) throw new Error(`deleting connector ${def.name}: HTTP ${res.status}`);
  const slot = def.config['slot.name'] ?? 'ticket_archiver_cdc';
  // The deleted task lets go of the slot within seconds; an active slot cannot be dropped.
  for (let waited = 0; ; waited++) {
    const { rows } = await superuser.query<{ active: boolean }>(
      'SELECT active FROM pg_replication_slots WHERE slot_name = $1',
      [slot],
    );
    if (rows.length === 0) return;
    if (rows[0]?.active === false) {
      await superuser.query('SELECT pg_drop_replication_slot($1)', [slot]);
      return;
    }
    if (waited >= 60) throw new Error(`replication slot ${slot} still active 60 s after its connector was deleted`);
    await sleep(1000);
  }
}

export async function operatorQueriesStage(
  stack: IsolatedStack,
  o: StageOptions & { sizes: number[]; runs: number },
): Promise<OperatorQueriesResult> {
  o.log('installing the program (npm pack, installed into an empty directory)');
  const installed = installProgram();
  try {
    return await onWipedStack(stack, installed.argv, o);
  } finally {
    installed.remove();
  }
}

async function onWipedStack(
  stack: IsolatedStack,
  program: string[],
  o: StageOptions & { sizes: number[]; runs: number },
): Promise<OperatorQueriesResult> {
  o.log('starting a wiped stack');
  const env = await stack.fresh();
  const owner = createTextPool(env.MIGRATIONS_DATABASE_URL, 'bench-operator-queries', 2, () => undefined);
  const superuser = new pg.Pool({ connectionString: env.STACK_PG_SUPERUSER_URL, max: 1 });
  try {
    // The commands do not need CDC, and millions of inserts would otherwise go through Kafka.
    await withoutCdc(env, superuser);
    const sizes: OperatorQueriesAtSize[] = [];
    let loaded = 0;
    for (const size of [...o.sizes].sort((a, b) => a - b)) {
      o.log(`loading tickets ${loaded + 1}..${size}`);
      const began = performance.now();
      await insertTickets(owner, { from: loaded + 1, to: size }, COLD_AFTER_MS, (m) => o.log(m));
      const loadSeconds = (performance.now() - began) / 1000;
      loaded = size;
      const settled = await settle(owner, superuser);
      o.log(
        `${size} tickets, ${Math.round(settled.tableBytes / 2 ** 20)} MiB with indexes; loaded in ${loadSeconds.toFixed(0)} s, vacuumed and analyzed in ${settled.seconds.toFixed(0)} s`,
      );
      const before = round(loadavg()[0] ?? 0, 2);
      const m = await measure(program, env, o.runs, (m) => o.log(m));
      const loadAverage = { before, after: round(loadavg()[0] ?? 0, 2) };
      sizes.push({
        tickets: size,
        tableBytes: settled.tableBytes,
        loadSeconds,
        settleSeconds: settled.seconds,
        ...m,
        loadAverage,
      });
    }
    return {
      coldAfter: COLD_AFTER,
      runs: o.runs,
      program: 'the installed program (npm pack, installed with production dependencies; node, no tsx)',
      sizes,
      notes: [
        `tickets: 70% closed and cold (last operated up to ${COLD_SPREAD_DAYS} days beyond COLD_AFTER), 10% closed and not yet cold, 20% open; bodies of a few hundred bytes`,
        'loaded by INSERT ... SELECT over generate_series in chunks of 100,000, then VACUUM (ANALYZE) and a checkpoint, as autovacuum would settle a table after a bulk load',
        'no CDC: the Debezium connector deleted and its slot dropped before the load (status reports both missing; what it asks of them costs the same as on a running system); nothing archived, so the ledger and the cold store are empty',
        'plan run with --json (its per-query costs are read); status exits 1 here (degraded: no connector, no slot, no archiver group), timed alike',
      ],
    };
  } finally {
    await owner.end().catch(() => undefined);
    await superuser.end().catch(() => undefined);
  }
}
