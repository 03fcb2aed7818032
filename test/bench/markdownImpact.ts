// RESULTS.md's sections on what moving costs around it: how soon a due ticket moves, the business updates' latency
// during a backfill against a quiet stack, and the CPU and memory each process used.
import { latencyRatio, type BenchRun } from './headline.ts';
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
  return [
    '## Impact on live traffic',
    '',
    `Latency of single-row business updates (${run.settings.trafficPerSecond}/s, open loop: counted from each update's scheduled time). Quiet:`,
    `the same stream on the same loaded stack before the contender starts, ${run.settings.repeats} windows of ${run.settings.baselineSeconds} s, median (min..max).`,
    '',
    table(
      [
        'contender',
        'quiet p50 ms',
        'quiet p99 ms',
        'during p50 ms',
        'during p99 ms',
        'p50 ratio',
        'p99 ratio',
        'errors',
      ],
      cs.map((r) => {
        const q50 = spread(r.quietTraffic.map((q) => q.latency.p50));
        const q99 = spread(r.quietTraffic.map((q) => q.latency.p99));
        return [
          r.contender,
          spreadText(q50, 1),
          spreadText(q99, 1),
          ms(r.backfillTraffic.latency.p50),
          ms(r.backfillTraffic.latency.p99),
          latencyRatio(r, 'p50').toFixed(2),
          latencyRatio(r, 'p99').toFixed(2),
          r.backfillTraffic.errors,
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
  ];
}

function componentNames(cs: BackfillResult[]): string[] {
  return [...new Set(cs.flatMap((r) => Object.keys(r.cpuByComponent)))].sort();
}
