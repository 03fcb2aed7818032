// `npm run bench`: the archiver (one and two instances) side by side with a direct batch copier and the stores'
// own ceilings, on the same generated data, on the benchmark's own local stack (`.stack-bench`, ports +200).
// Writes results.json, RESULTS.md and charts/ (default test/bench/ when every part ran, test/bench/partial/ otherwise).
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { constants } from 'node:os';
import { projectRoot } from '../../infra/local/settings.ts';
import { archiverSchema } from '../../services/archiver/settings.ts';
import { installProgram } from '../support/installedProgram.ts';
import { IsolatedStack } from '../support/isolatedStack.ts';
import { SOURCE_PROGRAM } from '../support/runCli.ts';
import { codeVersion, machineDescription } from '../support/runRecord.ts';
import { headline, type BenchRun } from './headline.ts';
import { releaseHotDatabase } from './hotMemoryLimit.ts';
import { writeReport } from './report.ts';
import { aggregatesOptions, aggregatesStage } from './aggregatesStage.ts';
import { archiverStage } from './archiverStage.ts';
import type { BackfillResult, StageOptions } from './stage.ts';
import { operatorQueriesStage } from './operatorQueries.ts';
import { peerStage } from './peerStage.ts';
import { readsStage } from './readsStage.ts';
import { ceilingStage, copierStage, costStage } from './storeStages.ts';
import { coldAfterMs, estimateSizes, growthSizes, opts, parts, PARTS, type Part } from './benchOptions.ts';

const full = PARTS.every((p) => parts.has(p));
const outDir = opts.out ?? join(projectRoot, 'test', 'bench', full ? '' : 'partial');
const profileDir = join(projectRoot, '.stack-bench-profiles');
rmSync(profileDir, { recursive: true, force: true });
mkdirSync(profileDir, { recursive: true });

const began = Date.now();
const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
const stack = new IsolatedStack(
  'bench',
  200,
  (m) => log(`[stack] ${m}`),
  opts.storesDir === 'stack' ? {} : { STACK_STORES_DATA_DIR: opts.storesDir },
);
// The program users run: packed and installed as npm would (its compiled JavaScript, production dependencies only).
log(opts.program === 'compiled' ? 'packing and installing the program' : 'running the TypeScript under tsx');
const installed = opts.program === 'compiled' ? installProgram() : undefined;
const base: StageOptions = {
  tickets: opts.tickets,
  coldAfterMs,
  repeats: opts.repeats,
  trafficPerSecond: opts.traffic,
  baselineSeconds: opts.baselineSeconds,
  pairs: opts.pairs,
  freshnessTickets: opts.freshnessTickets,
  copierBatch: opts.copierBatch,
  copierIntervalSeconds: opts.copierInterval,
  profileDir,
  program: installed?.argv ?? SOURCE_PROGRAM,
  moverNodeOptions: [`--max-old-space-size=${opts.heapMb}`],
  ...(opts.hotMemoryMb !== undefined ? { hotMemoryMb: opts.hotMemoryMb } : {}),
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
    throttledTickets: opts.throttledTickets,
    coldAfter: opts.coldAfter,
    trafficPerSecond: opts.traffic,
    repeats: opts.repeats,
    baselineSeconds: opts.baselineSeconds,
    pairs: opts.pairs,
    freshnessTickets: opts.freshnessTickets,
    copierBatch: opts.copierBatch,
    copierIntervalSeconds: opts.copierInterval,
    path: opts.path,
    program: opts.program,
    moverHeapMb: opts.heapMb,
    storesData: opts.storesDir === 'stack' ? "on the stack's disk" : `${opts.storesDir} (tmpfs)`,
    businessLoad: 'pgbench, updates and reads at a fixed rate',
    hotMemory: opts.hotMemoryMb !== undefined ? `${opts.hotMemoryMb} MB (cgroup)` : 'unconfined',
    // The archivers' effective values (they inherit this environment).
    archiveBatchSize: archiverSchema.shape.ARCHIVE_BATCH_SIZE.parse(process.env.ARCHIVE_BATCH_SIZE),
    parallelPartitions: archiverSchema.shape.PARALLEL_PARTITIONS.parse(process.env.PARALLEL_PARTITIONS),
  },
  growth: [],
  backfillPods: [],
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
const main = () => (opts.path === 'direct' ? run.direct : run.archiver1);
const events = { path: 'events', throttle: false } as const;
let failed = false;
// Each part in order; the report is rewritten after each (between measurements) so a run cut short keeps its parts.
const stages: [Part, () => Promise<void>][] = [
  ['ceilings', async () => void (run.ceilings = await ceilingStage(stack, stage('ceilings')))],
  ['costs', async () => void (run.coldStoreCosts = await costStage(stack, stage('costs')))],
  ['copier', async () => void (run.copier = await copierStage(stack, stage('copier')))],
  // Throughput and its cost without the throttle; then the favoured path with it (--path).
  [
    'archiver',
    async () =>
      void (run.archiver1 = await archiverStage(stack, stage('archiver x1'), 1, {
        ...events,
        freshness: true,
        profile: false,
      })),
  ],
  [
    'archiver-fullrows',
    async () =>
      void (run.archiverFullRows = await archiverStage(stack, stage('archiver x1 whole rows'), 1, {
        ...events,
        freshness: false,
        profile: false,
        fullRowEvents: true,
      })),
  ],
  [
    'archiver2',
    async () =>
      void (run.archiver2 = await archiverStage(stack, stage('archiver x2'), 2, {
        ...events,
        freshness: false,
        profile: true,
      })),
  ],
  [
    'backfill',
    async () =>
      void (run.direct = await archiverStage(stack, stage('direct backfill'), 1, {
        path: 'direct',
        throttle: false,
        freshness: false,
        profile: true,
        eta: true,
      })),
  ],
  [
    'pods',
    async () => {
      for (const pods of [2, 3]) {
        run.backfillPods.push(
          await archiverStage(stack, stage(`direct backfill x${pods} processes`), 1, {
            path: 'direct',
            throttle: false,
            freshness: false,
            profile: false,
            backfillProcesses: pods,
          }),
        );
      }
    },
  ],
  [
    'throttled',
    async () =>
      void (run.throttled = await archiverStage(
        stack,
        { ...stage(`${opts.path} backfill, throttle on`), tickets: opts.throttledTickets },
        1,
        {
          path: opts.path,
          throttle: true,
          freshness: false,
          profile: false,
          eta: true,
        },
      )),
  ],
  [
    'growth',
    async () => {
      for (const size of growthSizes) {
        const reuse = size === opts.tickets ? main() : undefined;
        // Above --tickets, a growth run does the main run's work (as many moves) on the larger table, then stops.
        const untilMoved = size > opts.tickets ? main()?.moved : undefined;
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
    },
  ],
  ['peer', async () => void (run.peer = await peerStage(stack, stage('peer')))],
  ['reads', async () => void (run.reads = await readsStage(stack, stage('reads')))],
  [
    'estimates',
    async () =>
      void (run.operatorQueries = await operatorQueriesStage(stack, {
        ...stage('estimates'),
        sizes: estimateSizes,
        runs: opts.estimatesRuns,
      })),
  ],
  [
    'aggregates',
    async () => {
      run.aggregates = await aggregatesStage(stack, { ...stage('aggregates'), ...aggregatesOptions(opts) });
      failed = run.aggregates.checks.some((c) => !c.ok);
    },
  ],
];
try {
  for (const [part, measure] of stages) {
    if (!want(part)) continue;
    await measure();
    run.runSeconds = (Date.now() - began) / 1000;
    await writeReport(run, outDir).catch((err: unknown) => log(`report after ${part} not written: ${String(err)}`));
  }
} catch (err) {
  failed = true;
  log(`benchmark aborted: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  await stack.down();
  if (opts.storesDir !== 'stack') stack.removeData(); // tmpfs is memory
  releaseHotDatabase();
  installed?.remove();
}
run.runSeconds = (Date.now() - began) / 1000;
const written = await writeReport(run, outDir);
console.log(JSON.stringify(headline(run), null, 2));
console.log(`\nwritten: ${written.json}, ${written.markdown} and charts/`);
process.exit(failed ? 1 : 0);
