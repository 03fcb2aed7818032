// The operators' commands on tables of several sizes (issue 24: "status --json and plan on 1M and 10M tickets: their
// time does not grow with the table"). The installed program (npm pack, as npx runs it) is run as an operator runs it,
// a child process against the benchmark's stack: `status --json` and `plan --json` (their defaults), `status --json
// --count` for contrast (every cold candidate counted), and `--version` (the program's start alone, which every command
// pays). Each size has a database of its own on the same server, and every round asks each size in turn: on a shared
// machine, other work then weighs on every size alike instead of on whichever was measured while it ran.
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
import { COLD_SPREAD_DAYS, sizedDatabase, type SizedDatabase } from './operatorTickets.ts';
import type { StageOptions } from './stage.ts';
import { round, spread, type Spread } from './stats.ts';

/** The product's default age (COLD_AFTER), not the benchmark's short one: `plan` looks 30 days ahead of it. */
const COLD_AFTER = '30d';
const COLD_AFTER_MS = 30 * 86_400_000;

const COMMANDS = {
  startup: ['--version'],
  status: ['status', '--json'],
  plan: ['plan', '--json'],
  count: ['status', '--json', '--count'],
} as const;
export type Command = keyof typeof COMMANDS;
const NAMES = Object.keys(COMMANDS) as Command[];

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
  /** Tickets cold but still hot: counted (`--count`), and as status and plan answer by default. */
  coldCounted: number;
  coldStatus: number;
  coldPlan: number;
  startup: CommandTimes;
  status: CommandTimes;
  plan: CommandTimes;
  count: CommandTimes;
  /** The queries plan reports (its `queries`), of its median run: their time by kind (a month's count, a day's...),
   * and the slowest. */
  planQueries: {
    count: number;
    totalMs: number;
    byKind: Record<string, { count: number; ms: number }>;
    slowest: Array<{ name: string; ms: number; plan: string }>;
  };
}

export interface OperatorQueriesResult {
  coldAfter: string;
  runs: number;
  program: string;
  sizes: OperatorQueriesAtSize[];
  /** The machine's 1-minute load average when the timed rounds began and ended (2 cores: above 2, commands waited). */
  loadAverage: { before: number; after: number };
  notes: string[];
}

/** The largest size's time over the smallest's (1.0 is flat): of the medians, or of the fastest runs. */
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
type Run = { seconds: number; code: number; stdout: string };

const lastLine = (stdout: string) => stdout.trim().split('\n').pop() ?? '{}';
const kindOf = (name: string) => name.replace(/ (of|on day) .*$/, '').replace(/ \(.*\)$/, '');

/** Runs `args` once, timed; a store unreachable (status exit 2) or a failed plan stops the stage. */
async function timed(program: string[], args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const began = performance.now();
  const res = await runCli([...args], env, 30 * 60_000, program);
  const seconds = (performance.now() - began) / 1000;
  const okCodes = args[0] === 'status' ? [0, 1] : [0];
  if (!okCodes.includes(res.code ?? -1))
    throw new Error(`ticket-archiver ${args.join(' ')} exited ${res.code}:\n${res.stderr.slice(-2000)}`);
  return { seconds, code: res.code ?? -1, stdout: res.stdout };
}

/** What the runs of one size say. */
function summary(db: SizedDatabase, runs: Record<Command, Run[]>): OperatorQueriesAtSize {
  const times = (n: Command): CommandTimes => ({
    seconds: spread(runs[n].map((r) => round(r.seconds, 3))),
    exitCodes: runs[n].map((r) => r.code),
  });
  const plans = [...runs.plan].sort((a, b) => a.seconds - b.seconds);
  const median = JSON.parse(lastLine(plans[Math.floor((plans.length - 1) / 2)]?.stdout ?? '{}')) as PlanJson;
  const status = JSON.parse(lastLine(runs.status.at(-1)?.stdout ?? '{}')) as StatusJson;
  const count = JSON.parse(lastLine(runs.count.at(-1)?.stdout ?? '{}')) as StatusJson;
  const queries = median.queries ?? [];
  const byKind: Record<string, { count: number; ms: number }> = {};
  for (const q of queries) {
    const k = (byKind[kindOf(q.name)] ??= { count: 0, ms: 0 });
    k.count++;
    k.ms = round(k.ms + q.ms, 1);
  }
  return {
    tickets: db.tickets,
    tableBytes: db.tableBytes,
    loadSeconds: db.loadSeconds,
    settleSeconds: db.settleSeconds,
    coldCounted: count.backlog?.coldStillHot ?? Number.NaN,
    coldStatus: status.backlog?.coldStillHot ?? Number.NaN,
    coldPlan: median.cold?.count ?? Number.NaN,
    startup: times('startup'),
    status: times('status'),
    plan: times('plan'),
    count: times('count'),
    planQueries: {
      count: queries.length,
      totalMs: round(
        queries.reduce((s, q) => s + q.ms, 0),
        1,
      ),
      byKind,
      slowest: [...queries].sort((a, b) => b.ms - a.ms).slice(0, 3),
    },
  };
}

/** `runs` rounds, each running every command against every size; one unrecorded round first (cold caches). */
async function measure(program: string[], dbs: SizedDatabase[], runs: number, log: (m: string) => void) {
  const all = dbs.map(() => Object.fromEntries(NAMES.map((n) => [n, [] as Run[]])) as Record<Command, Run[]>);
  for (let r = 0; r <= runs; r++) {
    for (const [i, db] of dbs.entries()) {
      const env = archiverEnv(db.env, { COLD_AFTER, LOG_LEVEL: 'warn' });
      const line: string[] = [];
      for (const name of NAMES) {
        const run = await timed(program, COMMANDS[name], env);
        if (r > 0) all[i]?.[name].push(run);
        line.push(`${name} ${run.seconds.toFixed(2)} s`);
      }
      if (r > 0) log(`round ${r}, ${db.tickets} tickets: ${line.join(', ')}`);
    }
  }
  return dbs.map((db, i) => summary(db, all[i] as Record<Command, Run[]>));
}

/**
 * No CDC during the stage: the connector deleted and its replication slot dropped (the slot keeps the WAL of every
 * database on the server). Paused instead, its slot kept the load's WAL until max_slot_wal_keep_size (4 GB)
 * invalidated it, and PostgreSQL 15's checkpointer then waited for ever for the slot's walsender to exit: it was
 * blocked writing to the paused task's socket, which nobody read. No checkpoint completed after that.
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
    o.log('starting a wiped stack');
    const env = await stack.fresh();
    const superuser = new pg.Pool({ connectionString: env.STACK_PG_SUPERUSER_URL, max: 1 });
    const dbs: SizedDatabase[] = [];
    try {
      // The commands do not need CDC, and millions of inserts would otherwise go through Kafka.
      await withoutCdc(env, superuser);
      for (const size of [...o.sizes].sort((a, b) => a - b))
        dbs.push(await sizedDatabase(env, superuser, size, COLD_AFTER_MS, (m) => o.log(m)));
    } finally {
      await superuser.end().catch(() => undefined);
    }
    const before = round(loadavg()[0] ?? 0, 2);
    const sizes = await measure(installed.argv, dbs, o.runs, (m) => o.log(m));
    return {
      coldAfter: COLD_AFTER,
      runs: o.runs,
      program: 'the installed program (npm pack, installed with production dependencies; node, no tsx)',
      sizes,
      loadAverage: { before, after: round(loadavg()[0] ?? 0, 2) },
      notes: [
        `tickets: 70% closed and cold (last operated up to ${COLD_SPREAD_DAYS} days beyond COLD_AFTER), 10% closed and not yet cold, 20% open; bodies of a few hundred bytes`,
        'each size in a database of its own on the same server (the help desk table created by its owner, then migrate), loaded by INSERT ... SELECT over generate_series in chunks of 100,000, then VACUUM (ANALYZE) and a checkpoint, as autovacuum would settle a table after a bulk load',
        'no CDC: the Debezium connector deleted and its slot dropped before the loads (status reports both missing; what it asks of them costs the same as on a running system); nothing archived, so the ledger and the cold store are empty',
        'plan run with --json (its per-query costs are read); status exits 1 here (degraded: no connector, no slot, no archiver group), timed alike',
      ],
    };
  } finally {
    installed.remove();
  }
}
