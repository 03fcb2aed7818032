// The benchmark's command line (`npm run bench -- --help`): which parts run, on how many tickets, with what program.
import { Command, Option } from 'commander';
import { parseDuration } from '../../services/core/duration.ts';
import { positiveInt } from '../../services/cli/options.ts';

export const PARTS = [
  'ceilings',
  'costs',
  'copier',
  'archiver',
  'archiver-fullrows',
  'archiver2',
  'backfill',
  'pods',
  'throttled',
  'growth',
  'reads',
  'estimates',
  'aggregates',
  'peer',
] as const;
export type Part = (typeof PARTS)[number];
const DEFAULT_GROWTH = '100000,300000,1000000';
const DEFAULT_ESTIMATE_SIZES = '1000000,10000000';

const sizes = (text: string) =>
  text.split(',').map((t) => {
    const n = Number(t.trim());
    if (!Number.isInteger(n) || n < 1000) throw new Error(`not a ticket count (>= 1000): ${t}`);
    return n;
  });

const command = new Command()
  .name('npm run bench --')
  .description('measure the archiver against a direct batch copier and the stores alone, on one machine in one run')
  .option('--tickets <n>', 'tickets generated for each contender (about 70% cold)', positiveInt, 1_000_000)
  .option(
    '--throttled-tickets <n>',
    'tickets of the throttled part: the throttle, not the table, sets its rate (a few hundred per second on a shared 2-core host), and a 1M backfill at that pace takes hours',
    positiveInt,
    100_000,
  )
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
  .option(
    '--pairs <n>',
    'pairs of windows (under the contender, then quiet with the movers paused) per contender; the rest runs unpaused',
    positiveInt,
    10,
  )
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
  .addOption(
    new Option('--program <program>', 'what runs the movers and the commands: the installed package, or tsx')
      .choices(['compiled', 'source'])
      .default('compiled'),
  )
  .option('--heap-mb <n>', "the movers' heap bound (--max-old-space-size)", positiveInt, 160)
  .option(
    '--stores-dir <dir>',
    "the cold store's and Kafka's data (tmpfs by default: their fsyncs stay off the hot database's disk); 'stack' keeps them in .stack-bench",
    '/dev/shm/ticket-archiver-bench',
  )
  .option(
    '--hot-memory-mb <n>',
    'confine the hot PostgreSQL to this much memory, page cache included (a memory cgroup): the bigger-than-memory run',
    positiveInt,
  )
  .option('--out <dir>', 'results directory')
  .parse();

export const opts = command.opts<{
  tickets: number;
  throttledTickets: number;
  growth: string;
  parts: string;
  repeats: number;
  traffic: number;
  coldAfter: string;
  copierBatch: number;
  copierInterval: number;
  freshnessTickets: number;
  baselineSeconds: number;
  pairs: number;
  path: 'events' | 'direct';
  estimatesSizes: string;
  estimatesRuns: number;
  aggregatesTickets: number;
  aggregatesRounds: number;
  aggregatesVerify: number;
  program: 'compiled' | 'source';
  heapMb: number;
  storesDir: string;
  hotMemoryMb?: number;
  out?: string;
}>();

export const parts = new Set(opts.parts.split(',').map((p) => p.trim()));
const unknown = [...parts].filter((p) => !(PARTS as readonly string[]).includes(p));
const coldAfter = parseDuration(opts.coldAfter);
if (unknown.length > 0 || coldAfter === undefined) {
  console.error(
    unknown.length > 0
      ? `unknown part(s): ${unknown.join(', ')}; known: ${PARTS.join(', ')}`
      : `--cold-after: expected a duration like 1d, got ${opts.coldAfter}`,
  );
  process.exit(2);
}
export const coldAfterMs = coldAfter;
export const growthSizes = sizes(opts.growth);
export const estimateSizes = sizes(opts.estimatesSizes);
