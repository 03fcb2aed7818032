// `npm run bench`: the archiver (one and two instances) side by side with a direct batch copier and the stores'
// own ceilings, on the same generated data, on the benchmark's own local stack (`.stack-bench`, ports +200).
// Writes results.json, RESULTS.md and charts/ (default test/bench/ when every part ran, test/bench/partial/ otherwise).
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { constants } from 'node:os';
import { Command, Option } from 'commander';
import { projectRoot } from '../../infra/local/settings.ts';
import { parseDuration } from '../../services/core/duration.ts';
import { archiverSchema } from '../../services/archiver/settings.ts';
import { positiveInt } from '../../services/cli/options.ts';
import { IsolatedStack } from '../support/isolatedStack.ts';
import { codeVersion, machineDescription } from '../support/runRecord.ts';
import { headline, type BenchRun } from './headline.ts';
import { writeReport } from './report.ts';
import { aggregatesOptions, aggregatesStage } from './aggregatesStage.ts';
import { archiverStage } from './archiverStage.ts';
import type { BackfillResult, StageOptions } from './stage.ts';
import { operatorQueriesStage } from './operatorQueries.ts';
import { readsStage } from './readsStage.ts';
import { ceilingStage, copierStage, costStage } from './storeStages.ts';

const PARTS = [
  'ceilings',
  'costs',
  'copier',
  'archiver',
  'archiver-fullrows',
  'archiver2',
  'backfill',
  'throttled',
  'growth',
  'reads',
  'estimates',
  'aggregates',
] as const;
type Part = (typeof PARTS)[number];
const DEFAULT_GROWTH = '100000,300000,1000000';
const DEFAULT_ESTIMATE_SIZES = '1000000,10000000';

const sizes = (text: string) =>
  text.split(',').map((t) => {
    const n = Number(t.trim());
    if (!Number.isInteger(n) || n < 1000) throw new Error(`not a ticket count (>= 1000): ${t}`);
    return n;
  });

const program = new Command()
  .name('npm run bench --')
  .description('measure the archiver against a direct batch copier and the stores alone, on one machine in one run')
  .option('--tickets <n>', 'tickets generated for each contender (about 70% cold)', positiveInt, 1_000_000)
  .option('--growth <sizes>', 'ticket counts for the growth runs (archiver, one instance)', DEFAULT_GROWTH)
  .addOption(new Option('--parts <parts>', `comma-separated subset of: ${PARTS.join(', ')}`).default(PARTS.join(',')))
  .option('--repeats <n>', 'repeats of the short parts (ceilings, quiet baselines, freshness rounds)', positiveInt, 3)
  .option('--traffic <n>', 'business updates per second during every backfill', positiveInt, 200)
  .option('--cold-after <duration>', 'COLD_AFTER of the run', '1d')
  .option('--copier-batch <n>', 'rows per batch of the direct copier', positiveInt, 10_000)
  .option(
    '--copier-interval <seconds>',
    "the direct copier's schedule interval for the freshness part",
    positiveInt,
    60,
  )
  .option('--freshness-tickets <n>', 'tickets falling due per freshness round (over 60 s)', positiveInt, 300)
  .option('--baseline-seconds <n>', 'length of each quiet-traffic window', positiveInt, 20)
  .addOption(
    new Option('--path <path>', 'the backfill path of the throttled and growth parts')
      .choices(['events', 'direct'])
      .default('direct'),
  )
  .option(
    '--estimates-sizes <sizes>',
    'table sizes at which status and plan are timed (estimates part)',
    DEFAULT_ESTIMATE_SIZES,
  )
  .option('--estimates-runs <n>', 'timed runs of each command at each size (estimates part)', positiveInt, 9)
  .option('--aggregates-tickets <n>', 'Zammad tickets per workload (aggregates part)', positiveInt, 60_000)
  .option('--aggregates-rounds <n>', 'rounds the aggregates part loads and backfills them in', positiveInt, 3)
  .option('--aggregates-verify <n>', 'verify --sample size per workload (aggregates part)', positiveInt, 2000)
  .option('--out <dir>', 'results directory')
  .parse();

const opts = program.opts<{
  tickets: number;
  growth: string;
  parts: string;
  repeats: number;
  traffic: number;
  coldAfter: string;
  copierBatch: number;
  copierInterval: number;
  freshnessTickets: number;
  baselineSeconds: number;
  path: 'events' | 'direct';
  estimatesSizes: string;
  estimatesRuns: number;
  aggregatesTickets: number;
  aggregatesRounds: number;
  aggregatesVerify: number;
  out?: string;
}>();

const parts = new Set(opts.parts.split(',').map((p) => p.trim()));
const unknown = [...parts].filter((p) => !(PARTS as readonly string[]).includes(p));
const coldAfterMs = parseDuration(opts.coldAfter);
if (unknown.length > 0 || coldAfterMs === undefined) {
  console.error(
    unknown.length > 0
      ? `unknown part(s): ${unknown.join(', ')}; known: ${PARTS.join(', ')}`
      : `--cold-after: expected a duration like 1d, got ${opts.coldAfter}`,
  );
  process.exit(2);
}
const growthSizes = sizes(opts.growth);
const estimateSizes = sizes(opts.estimatesSizes);
const full = PARTS.every((p) => parts.has(p));
const outDir = opts.out ?? join(projectRoot, 'test', 'bench', full ? '' : 'partial');
const profileDir = join(projectRoot, '.stack-bench-profiles');
rmSync(profileDir, { recursive: true, force: true });
mkdirSync(profileDir, { recursive: true });

const began = Date.now();
const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
const stack = new IsolatedStack('bench', 200, (m) => log(`[stack] ${m}`));
const base: StageOptions = {
  tickets: opts.tickets,
  coldAfterMs,
  repeats: opts.repeats,
  trafficPerSecond: opts.traffic,
  baselineSeconds: opts.baselineSeconds,
  freshnessTickets: opts.freshnessTickets,
  copierBatch: opts.copierBatch,
  copierIntervalSeconds: opts.copierInterval,
  profileDir,
  log,
};
const stage = (name: string) => ({ ...base, log: (m: string) => log(`[${name}] ${m}`) });
const run: BenchRun = {
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  date: new Date().toISOString(),
  machine: machineDescription(stack.coldStoreKind),
  code: codeVersion([
    'test/bench/results.json',
    'test/bench/RESULTS.md',
    'test/bench/charts',
    'test/bench/earlier',
    relative(projectRoot, outDir),
  ]),
  settings: {
    tickets: opts.tickets,
    coldAfter: opts.coldAfter,
    trafficPerSecond: opts.traffic,
    repeats: opts.repeats,
    baselineSeconds: opts.baselineSeconds,
    freshnessTickets: opts.freshnessTickets,
    copierBatch: opts.copierBatch,
    copierIntervalSeconds: opts.copierInterval,
    path: opts.path,
    // The archivers' effective values (they inherit this environment).
    archiveBatchSize: archiverSchema.shape.ARCHIVE_BATCH_SIZE.parse(process.env.ARCHIVE_BATCH_SIZE),
    parallelPartitions: archiverSchema.shape.PARALLEL_PARTITIONS.parse(process.env.PARALLEL_PARTITIONS),
  },
  growth: [],
  runSeconds: 0,
};

// Interrupted (Ctrl-C, a CI timeout): the benchmark's servers are stopped rather than left running.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the benchmark's stack; no results written`);
    void stack.down().finally(() => process.exit(128 + constants.signals[signal]));
  });
}

const want = (p: Part) => parts.has(p);
let failed = false;
try {
  if (want('ceilings')) run.ceilings = await ceilingStage(stack, stage('ceilings'));
  if (want('costs')) run.coldStoreCosts = await costStage(stack, stage('costs'));
  if (want('copier')) run.copier = await copierStage(stack, stage('copier'));
  // Throughput and its cost without the throttle; then the favoured path with it (--path).
  const events = { path: 'events', throttle: false } as const;
  if (want('archiver'))
    run.archiver1 = await archiverStage(stack, stage('archiver x1'), 1, { ...events, freshness: true, profile: false });
  if (want('archiver-fullrows'))
    run.archiverFullRows = await archiverStage(stack, stage('archiver x1 whole rows'), 1, {
      ...events,
      freshness: false,
      profile: false,
      fullRowEvents: true,
    });
  if (want('archiver2'))
    run.archiver2 = await archiverStage(stack, stage('archiver x2'), 2, { ...events, freshness: false, profile: true });
  if (want('backfill'))
    run.direct = await archiverStage(stack, stage('direct backfill'), 1, {
      path: 'direct',
      throttle: false,
      freshness: false,
      profile: true,
      eta: true,
    });
  if (want('throttled'))
    run.throttled = await archiverStage(stack, stage(`${opts.path} backfill, throttle on`), 1, {
      path: opts.path,
      throttle: true,
      freshness: false,
      profile: false,
    });
  if (want('growth')) {
    const main = opts.path === 'direct' ? run.direct : run.archiver1;
    for (const size of growthSizes) {
      const reuse = size === opts.tickets ? main : undefined;
      // Above --tickets, a growth run does the main run's work (as many moves) on the larger table, then stops.
      const untilMoved = size > opts.tickets ? main?.moved : undefined;
      const result: BackfillResult =
        reuse ??
        (await archiverStage(
          stack,
          { ...stage(`growth ${size}`), tickets: size, ...(untilMoved ? { untilMoved } : {}) },
          1,
          { path: opts.path, throttle: false, freshness: false, profile: false },
        ));
      run.growth.push(result);
    }
  }
  if (want('reads')) run.reads = await readsStage(stack, stage('reads'));
  if (want('estimates'))
    run.operatorQueries = await operatorQueriesStage(stack, {
      ...stage('estimates'),
      sizes: estimateSizes,
      runs: opts.estimatesRuns,
    });
  if (want('aggregates')) {
    run.aggregates = await aggregatesStage(stack, { ...stage('aggregates'), ...aggregatesOptions(opts) });
    failed = run.aggregates.checks.some((c) => !c.ok);
  }
} catch (err) {
  failed = true;
  log(`benchmark aborted: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  await stack.down();
}
run.runSeconds = (Date.now() - began) / 1000;
const written = await writeReport(run, outDir);
console.log(JSON.stringify(headline(run), null, 2));
console.log(`\nwritten: ${written.json}, ${written.markdown} and charts/`);
process.exit(failed ? 1 : 0);
