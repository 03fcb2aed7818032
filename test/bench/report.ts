// The benchmark's results: the JSON the issue names (headline figures at the top level, every measurement below),
// a Markdown report with its tables, and the charts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawDistributionChart, drawLineChart } from './charts.ts';
import { contenders, favoured, headline, type BenchRun } from './headline.ts';
import { goals } from './benchGoals.ts';
import { formatMarkdown } from './markdown.ts';
import type { BackfillResult } from './stage.ts';
import { distribution, windowRates } from './stats.ts';

export async function drawCharts(run: BenchRun, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const charts: string[] = [];
  const backfills = [...contenders(run), ...run.growth.filter((g) => g !== favoured(run))];
  if (backfills.length > 0) {
    charts.push(
      await drawLineChart(join(dir, 'throughput'), {
        title: 'Backfill throughput over time (tickets moved per second, 10 s windows)',
        xTitle: 'seconds since the backfill started',
        yTitle: 'tickets / s',
        series: backfills.map((r) => ({
          name: `${r.contender}, ${r.tickets.toLocaleString('en')} tickets`,
          points: windowRates(r.progress, 10_000).map((w) => ({
            x: Math.round(w.toMs / 1000),
            y: Math.round(w.perSecond),
          })),
        })),
      }),
    );
  }
  const traffic = contenders(run);
  if (traffic.length > 0) {
    const quietOf = traffic[0] as BackfillResult;
    charts.push(
      await drawDistributionChart(join(dir, 'update-latency'), {
        title: `Business update latency (${run.settings.trafficPerSecond}/s), cumulative distribution`,
        xTitle: 'latency, ms (log scale)',
        logX: true,
        series: [
          { name: `quiet (before ${quietOf.contender})`, values: quietOf.traffic.latencySamples.quiet },
          ...traffic.map((r) => ({
            name: `during ${r.contender} backfill`,
            values: r.traffic.latencySamples.backfill,
          })),
        ],
      }),
    );
  }
  const fresh = traffic.filter((r) => r.freshness);
  if (fresh.length > 0) {
    charts.push(
      await drawDistributionChart(join(dir, 'freshness'), {
        title: 'Freshness: delay from due to gone from the hot table, cumulative distribution',
        xTitle: 'seconds (log scale)',
        logX: true,
        series: fresh.map((r) => ({
          name: r.contender,
          values: (r.freshness?.all ?? []).map((v) => Math.max(0.05, v)),
        })),
      }),
    );
  }
  return charts;
}

/** Writes results.json, RESULTS.md and charts/ into `dir`. */
export async function writeReport(run: BenchRun, dir: string): Promise<{ json: string; markdown: string }> {
  mkdirSync(dir, { recursive: true });
  const charts = await drawCharts(run, join(dir, 'charts'));
  const json = join(dir, 'results.json');
  const markdown = join(dir, 'RESULTS.md');
  // Raw samples stay out of the JSON (charts hold them); progress is kept at its sampling resolution.
  const slim = (r: BackfillResult | undefined) =>
    r
      ? {
          ...r,
          traffic: { ...r.traffic, latencySamples: undefined },
          freshness: r.freshness ? { rounds: r.freshness.rounds, all: distribution(r.freshness.all) } : undefined,
        }
      : undefined;
  const body = {
    ...headline(run),
    goals: goals(run),
    run: {
      ...run,
      copier: slim(run.copier),
      archiver1: slim(run.archiver1),
      archiver2: slim(run.archiver2),
      archiverFullRows: slim(run.archiverFullRows),
      direct: slim(run.direct),
      backfillPods: run.backfillPods.map((r) => slim(r)),
      throttled: slim(run.throttled),
      growth: run.growth.map((g) => slim(g)),
    },
  };
  writeFileSync(json, `${JSON.stringify(body, null, 2)}\n`);
  writeFileSync(markdown, formatMarkdown(run, charts));
  return { json, markdown };
}
