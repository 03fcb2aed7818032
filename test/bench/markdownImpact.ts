// RESULTS.md's sections on what moving costs around it: how soon a due ticket moves, the business updates' latency
// during a backfill against a quiet stack, and the CPU and memory each process used.
import { type BenchRun } from './headline.ts';
import { ms, spreadText, table } from './markdownTable.ts';
import type { BackfillResult } from './stage.ts';
import { distribution, spread } from './stats.ts';

export function freshnessSection(run: BenchRun, cs: BackfillResult[]): string[] {
  const fresh = cs.filter((r) => r.freshness);
  if (fresh.length === 0) return [];
  return [
    '## Freshness in steady state',
    '',
    `Tickets closed so that they fall due one after another (${run.settings.freshnessTickets} per round over 60 s, ${run.settings.repeats} rounds) while`,
    'the update stream runs; delay from due to the poll (every 200 ms) that finds the row gone. The batch copier',
    `is scheduled every ${run.settings.copierIntervalSeconds} s.`,
    '',
    table(
      ['contender', 'p50 s', 'p95 s', 'p99 s', 'max s', 'p99 per round (s)', 'not moved'],
      fresh.map((r) => {
        const d = distribution(r.freshness?.all ?? []);
        return [
          r.contender,
          d.p50.toFixed(2),
          d.p95.toFixed(2),
          d.p99.toFixed(2),
          d.max.toFixed(2),
          (r.freshness?.rounds ?? []).map((x) => x.delays.p99.toFixed(2)).join(', '),
          (r.freshness?.rounds ?? []).reduce((s, x) => s + x.notMoved, 0),
        ];
      }),
    ),
    '',
  ];
}

export function liveTrafficSection(run: BenchRun, cs: BackfillResult[]): string[] {
  if (cs.length === 0) return [];
  const w = cs[0]?.traffic.windowSeconds ?? run.settings.baselineSeconds;
  return [
    '## Impact on live traffic',
    '',
    `The agents' load, driven by pgbench outside the benchmark's process at a fixed rate (${run.settings.trafficPerSecond} updates/s of`,
    `open tickets, each a commit, and ${Number(run.settings.trafficPerSecond) / 2}/s reads of a ticket and its customer's page); latency from each`,
    "transaction's scheduled start (pgbench's log), so a stall counts on every transaction it delays. Windows of",
    `${w} s alternate: one while the contender works, then one with it paused after a CHECKPOINT and the page cache written`,
    `back, for at most ${run.settings.pairs ?? 'unlimited'} pairs (then the contender runs unpaused under the load, as in production, its`,
    `windows counted as during); ${run.settings.repeats} quiet windows before it starts. The p99 ratio is the median (min..max) of each pair's during/quiet.`,
    '',
    table(
      [
        'contender',
        'quiet p50 ms',
        'quiet p99 ms',
        'during p50 ms',
        'during p99 ms',
        'p99 ratio by pair',
        'read p99 quiet/during ms',
        'pairs',
        'failed',
      ],
      cs.map((r) => {
        const t = r.traffic;
        const q50 = spread(t.quietTraffic.map((q) => q.latency.p50));
        const q99 = spread(t.quietTraffic.map((q) => q.latency.p99));
        return [
          r.contender,
          spreadText(q50, 1),
          spreadText(q99, 1),
          ms(t.backfillTraffic.latency.p50),
          ms(t.backfillTraffic.latency.p99),
          t.p99Ratios ? spreadText(t.p99Ratios, 2) : 'n/a',
          `${ms(t.reads.quiet.p99)} / ${ms(t.reads.during.p99)}`,
          t.p99Ratios?.runs.length ?? 0,
          t.backfillTraffic.errors,
        ];
      }),
    ),
    '',
    ...walSection(cs),
  ];
}

/** What a move costs the hot database's WAL: the log every business commit waits to flush. */
function walSection(cs: BackfillResult[]): string[] {
  const withWal = cs.filter((r) => r.wal);
  if (withWal.length === 0) return [];
  return [
    '### Hot WAL per moved ticket',
    '',
    "The movers' own statements (pg_stat_statements by role: the business load runs as another) over the moves; WAL",
    'fsyncs from pg_stat_wal, every role (each is a wait for the commits queued behind it).',
    '',
    table(
      [
        'contender',
        'WAL bytes',
        'full-page images',
        'records',
        'statements',
        'WAL fsyncs per 1,000 (all)',
        'business WAL B/s',
      ],
      withWal.map((r) => {
        const x = r.wal as NonNullable<BackfillResult['wal']>;
        return [
          r.contender,
          x.bytes,
          x.fullPageImages,
          x.records,
          x.statements,
          x.syncsPer1000,
          x.businessBytesPerSecond,
        ];
      }),
    ),
    '',
  ];
}

export function resourcesSection(cs: BackfillResult[]): string[] {
  const withArchivers = cs.filter((r) => r.archivers);
  if (withArchivers.length === 0) return [];
  return [
    '## Resources',
    '',
    table(
      ['contender', 'instance', 'CPU s', 'CPU s per 1,000 moves', 'peak RSS MB'],
      withArchivers.flatMap((r) =>
        (r.archivers ?? []).map((a) => [
          r.contender,
          a.name,
          a.cpuSeconds.toFixed(1),
          (((a.cpuSeconds * 1000) / r.moved) * (r.archivers?.length ?? 1)).toFixed(2),
          a.peakRssMB,
        ]),
      ),
    ),
    '',
    'CPU seconds per 1,000 moves of an instance count the moves of the whole group divided evenly among instances.',
    'CPU seconds of every component during each backfill (the machine has 2 cores, so at most 2 s per second):',
    '',
    table(
      ['contender', 'seconds', ...componentNames(cs)],
      cs.map((r) => [
        r.contender,
        r.seconds.toFixed(0),
        ...componentNames(cs).map((c) => (r.cpuByComponent[c] ?? 0).toFixed(0)),
      ]),
    ),
    '',
    'The same per moved ticket, in CPU milliseconds (the business load included, as it ran during each backfill):',
    '',
    table(
      ['contender', ...componentNames(cs)],
      cs.map((r) => [
        r.contender,
        ...componentNames(cs).map((c) => (((r.cpuByComponent[c] ?? 0) * 1000) / Math.max(1, r.moved)).toFixed(2)),
      ]),
    ),
    '',
  ];
}

function componentNames(cs: BackfillResult[]): string[] {
  return [...new Set(cs.flatMap((r) => Object.keys(r.cpuByComponent)))].sort();
}
