// `npm run faults`: the full fault and race suite (every scenario, 100,000 tickets each) on its own local stack.
// Prints the result table and writes test/faults/results.json and results.md; exits 1 if any scenario found a
// violation or did not settle. With --random <duration>: one run of that length in which the faults strike at random
// (randomRun.ts), written to test/faults/random-results.json and .md. With --table zammad: the same on a Zammad-shaped
// table (faultTableZammad.ts), written to results-zammad.* (random-results-zammad.*). With --cluster: on three Kafka
// nodes and two Connect workers, the cluster's own faults (clusterScenarios.ts), written to results-cluster.*.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:os';
import { Command } from 'commander';
import { positiveInt as positive } from '../../services/cli/options.ts';
import { parseDuration } from '../../services/core/duration.ts';
import { projectRoot } from '../../infra/local/settings.ts';
import { FaultStack } from './faultStack.ts';
import { FAULT_TABLES, faultTable } from './faultTable.ts';
import { formatTable, machineDescription, writeResults, type FaultResult } from './results.ts';
import { runRandomFaults } from './randomRun.ts';
import { runScenario } from './scenarioRun.ts';
import { scenarios as singleNodeScenarios } from './scenarios.ts';
import { clusterScenarios } from './clusterScenarios.ts';
import { networkScenario } from './networkScenario.ts';
import { coldStoreFullScenario } from './coldStoreFull.ts';

// Beyond the nine: the network's and a full disk's, which run on either stack.
const moreScenarios = [networkScenario, coldStoreFullScenario];
const scenarios = [...singleNodeScenarios, ...moreScenarios, ...clusterScenarios];
const program = new Command()
  .name('npm run faults --')
  .description('break every component during a backfill under live traffic and prove nothing is lost')
  .option('--tickets <n>', 'tickets loaded before each scenario', positive, 100_000)
  .option(
    '--table <name>',
    `the table archived: ${FAULT_TABLES.join(' or ')} (a Zammad-shaped zammad.tickets with its example spec)`,
    'tickets',
  )
  .option('--scenarios <names>', `comma-separated subset of: ${scenarios.map((s) => s.name).join(', ')}`)
  .option('--traffic <n>', 'business updates per second during the backfill', positive, 100)
  .option(
    '--cold-after <seconds>',
    'COLD_AFTER of the run; tickets closed by the traffic turn cold after it',
    positive,
    120,
  )
  .option('--settle-timeout <seconds>', 'how long a scenario may take to settle after its fault', positive, 900)
  .option(
    '--cluster',
    'Kafka as production runs it (3 KRaft nodes, replication factor 3, min.insync.replicas 2) and 2 Connect workers; by default the cluster scenarios',
  )
  .option('--random <duration>', 'instead of the scenarios: the faults at random for this long (e.g. 60m)')
  .option('--seed <n>', 'seed of the random schedule (default: drawn and printed)', positive)
  .option('--mean-gap <duration>', 'mean time between random strikes', '3m')
  .option('--wave-tickets <n>', 'tickets loaded by each wave of new work during a random run', positive, 10_000)
  .option('--wave-every <duration>', 'time between waves of new work during a random run', '5m')
  .option(
    '--out <file>',
    'results JSON (a Markdown table is written beside it); default test/faults/results.json for a full run',
  )
  .parse();

const opts = program.opts<{
  tickets: number;
  cluster?: boolean;
  table: string;
  scenarios?: string;
  traffic: number;
  coldAfter: number;
  settleTimeout: number;
  random?: string;
  seed?: number;
  meanGap: string;
  waveTickets: number;
  waveEvery: string;
  out?: string;
}>();
const durationOf = (name: string, text: string): number => {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    console.error(`${name}: expected a duration like 60m, got ${text}`);
    process.exit(2);
  }
  return ms;
};
// The cluster's run: its own faults, and the network's and the full disk's on it.
const suite = opts.cluster ? [...clusterScenarios, ...moreScenarios] : singleNodeScenarios;
const chosen = opts.scenarios ? opts.scenarios.split(',').map((n) => n.trim()) : suite.map((s) => s.name);
const unknown = chosen.filter((n) => !scenarios.some((s) => s.name === n));
const needCluster = chosen.filter((n) => !opts.cluster && clusterScenarios.some((s) => s.name === n));
if (needCluster.length > 0) {
  console.error(`${needCluster.join(', ')}: a cluster scenario, run with --cluster`);
  process.exit(2);
}
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const tableName = FAULT_TABLES.find((t) => t === opts.table);
if (!tableName) {
  console.error(`unknown table ${opts.table}; known: ${FAULT_TABLES.join(', ')}`);
  process.exit(2);
}
const full = suite.every((s) => chosen.includes(s.name));
// Another table's results go beside the brief's table's, named after it (results-zammad.json), the cluster's likewise.
const suffix = `${tableName === 'tickets' ? '' : `-${tableName}`}${opts.cluster ? '-cluster' : ''}`;
const out =
  opts.out ??
  join(
    projectRoot,
    'test',
    'faults',
    opts.random ? `random-results${suffix}.json` : full ? `results${suffix}.json` : 'results-partial.json',
  );
const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);

const stack = new FaultStack((m) => log(`[stack] ${m}`), opts.cluster ?? false);
const results: FaultResult[] = [];
const command = `npm run faults${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
// Interrupted (Ctrl-C, a CI timeout): the suite's servers are stopped rather than left running.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the fault suite's stack; results so far are in ${out}`);
    void stack.down().finally(() => process.exit(128 + constants.signals[signal]));
  });
}
const runOptions = {
  table: faultTable(tableName),
  tickets: opts.tickets,
  trafficPerSecond: opts.traffic,
  coldAfterSeconds: opts.coldAfter,
  settleTimeoutSeconds: opts.settleTimeout,
  machine: machineDescription(stack.coldStoreKind),
  log,
};
let failed = false;
try {
  if (opts.random) {
    const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
    log(`random faults for ${opts.random}, seed ${seed} (replay with --seed ${seed})`);
    const result = await runRandomFaults(stack, {
      seed,
      durationMs: durationOf('--random', opts.random),
      meanGapMs: durationOf('--mean-gap', opts.meanGap),
      waveTickets: opts.waveTickets,
      waveEveryMs: durationOf('--wave-every', opts.waveEvery),
      ...runOptions,
    });
    results.push(result);
    failed ||= result.violations > 0 || result.settleSeconds === null;
    writeResults(results, out, out.replace(/\.json$/, '.md'), command);
    appendFileSync(
      out.replace(/\.json$/, '.md'),
      [
        '## Strikes',
        '',
        ...result.strikes.map(
          (s) => `- ${s.atSeconds} s (planned ${s.plannedSeconds} s): ${s.kinds.join(' + ')}: ${s.notes.join('; ')}`,
        ),
        '',
      ].join('\n'),
    );
  }
  for (const name of opts.random ? [] : chosen) {
    const scenario = scenarios.find((s) => s.name === name);
    if (!scenario) continue;
    const result = await runScenario(stack, scenario, runOptions);
    results.push(result);
    failed ||= result.violations > 0 || result.settleSeconds === null;
    writeResults(results, out, out.replace(/\.json$/, '.md'), command);
  }
} catch (err) {
  failed = true;
  log(`fault suite aborted: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  await stack.down();
}
console.log(formatTable(results));
console.log(`\nwritten: ${out} and ${out.replace(/\.json$/, '.md')}`);
process.exit(failed || results.length < (opts.random ? 1 : chosen.length) ? 1 : 0);
