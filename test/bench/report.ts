// The benchmark's results: the JSON the issue names (headline figures at the top level, every measurement below),
// a Markdown report with its tables, and the charts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawDistributionChart, drawLineChart } from './charts.ts';
import type { CostStep } from './coldStoreCosts.ts';
import type { BackfillResult, CeilingResult } from './stages.ts';
import { distribution, round, spread, windowRates, type Spread } from './stats.ts';

export interface BenchRun {
  command: string;
  date: string;
  machine: string;
  code: string;
  settings: Record<string, string | number>;
  ceilings?: CeilingResult;
  /** The cold store's operations of a 500-ticket move, timed alone as its collections fill. */
  coldStoreCosts?: CostStep[];
  copier?: BackfillResult;
  archiver1?: BackfillResult;
  archiver2?: BackfillResult;
  /** Archiver, one instance, with the connector sending whole rows (as before column.include.list). */
  archiverFullRows?: BackfillResult;
  /** `ticket-archiver backfill` from the partial index, beside one archiver following the stream; throttle off. */
  direct?: BackfillResult;
  /** The favoured backfill path (settings.path) with the throttle on. */
  throttled?: BackfillResult;
  /** The favoured path, throttle off, at each size (the main size's entry is that path's main run). */
  growth: BackfillResult[];
  runSeconds: number;
}

interface Goal {
  goal: string;
  target: string;
  measured: string;
  met: boolean | null;
}

const latencyRatio = (r: BackfillResult | undefined, quantile: 'p50' | 'p99') => {
  if (!r) return Number.NaN;
  const quiet = spread(r.quietTraffic.map((q) => q.latency[quantile])).median;
  return r.backfillTraffic.latency[quantile] / quiet;
};

/** The largest |error| of status's ETA from 25% of the backfill on, percent. */
function etaErrorFrom25(r: BackfillResult | undefined): number | null {
  const errors = (r?.eta ?? []).filter((e) => e.fraction >= 0.25 && e.errorPercent !== null).map((e) => Math.abs(e.errorPercent as number));
  return errors.length > 0 ? round(Math.max(...errors), 1) : null;
}

/** The backfill path the run favoured (its throttled and growth parts), and its main result. */
function favoured(run: BenchRun): BackfillResult | undefined {
  return run.settings.path === 'events' ? run.archiver1 : run.direct;
}

export function headline(run: BenchRun) {
  const coldStore = run.ceilings ? spread(run.ceilings.coldStore.map((c) => c.perSecond)) : undefined;
  const main = favoured(run);
  const growthFirst = run.growth[0];
  const growthLast = run.growth[run.growth.length - 1];
  const del = run.ceilings ? spread(run.ceilings.delete.map((c) => c.perSecond)) : undefined;
  const fresh = run.archiver1?.freshness ? distribution(run.archiver1.freshness.all) : undefined;
  const rss = run.archiver1?.archivers?.[0]?.peakRssMB;
  const cpu = run.archiver1?.archivers?.[0]?.cpuSeconds;
  return {
    archiverTicketsPerSecond: run.archiver1 ? round(run.archiver1.ticketsPerSecond) : null,
    archiver2TicketsPerSecond: run.archiver2 ? round(run.archiver2.ticketsPerSecond) : null,
    copierTicketsPerSecond: run.copier ? round(run.copier.ticketsPerSecond) : null,
    coldStoreCeilingPerSecond: coldStore ? round(coldStore.median) : null,
    deleteCeilingPerSecond: del ? round(del.median) : null,
    freshnessP99Seconds: fresh ? round(fresh.p99, 2) : null,
    copierFreshnessP99Seconds: run.copier?.freshness ? round(distribution(run.copier.freshness.all).p99, 2) : null,
    liveTrafficP99Ratio: run.archiver1 ? round(latencyRatio(run.archiver1, 'p99'), 2) : null,
    copierLiveTrafficP99Ratio: run.copier ? round(latencyRatio(run.copier, 'p99'), 2) : null,
    archiverPeakRssMB: rss ?? null,
    archiverCpuSecondsPer1000Moves: run.archiver1 && cpu !== undefined ? round((cpu * 1000) / run.archiver1.moved, 2) : null,
    backfillPath: String(run.settings.path ?? 'events'),
    backfillTicketsPerSecond: main ? round(main.ticketsPerSecond) : null,
    directTicketsPerSecond: run.direct ? round(run.direct.ticketsPerSecond) : null,
    directLiveTrafficP99Ratio: run.direct ? round(latencyRatio(run.direct, 'p99'), 2) : null,
    throttledTicketsPerSecond: run.throttled ? round(run.throttled.ticketsPerSecond) : null,
    throttledLiveTrafficP99Ratio: run.throttled ? round(latencyRatio(run.throttled, 'p99'), 2) : null,
    backfillPeakRssMB: main?.archivers ? Math.max(...main.archivers.map((a) => a.peakRssMB)) : null,
    growthRatio: growthFirst && growthLast && growthFirst !== growthLast ? round(growthLast.ticketsPerSecond / growthFirst.ticketsPerSecond, 2) : null,
    etaMaxErrorPercentFrom25: etaErrorFrom25(run.direct),
    tickets: Number(run.settings.tickets),
    date: run.date,
    machine: run.machine,
  };
}

function goals(run: BenchRun): Goal[] {
  const h = headline(run);
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null ? a / b : null);
  const slower = h.coldStoreCeilingPerSecond !== null && h.deleteCeilingPerSecond !== null ? Math.min(h.coldStoreCeilingPerSecond, h.deleteCeilingPerSecond) : null;
  const vsCopier = ratio(h.backfillTicketsPerSecond, h.copierTicketsPerSecond);
  const vsCeiling = ratio(h.backfillTicketsPerSecond, slower);
  const fmt = (n: number | null, unit = '') => (n === null ? 'not measured' : `${round(n, 2)}${unit}`);
  const met = (n: number | null, ok: (n: number) => boolean) => (n === null ? null : ok(n));
  const path = `${h.backfillPath} backfill`;
  return [
    { goal: `${path} throughput vs direct batch copier`, target: '>= 0.8x', measured: fmt(vsCopier, 'x'), met: met(vsCopier, (n) => n >= 0.8) },
    { goal: `${path} throughput vs slower ceiling`, target: '>= 0.5x', measured: fmt(vsCeiling, 'x'), met: met(vsCeiling, (n) => n >= 0.5) },
    { goal: 'live-traffic p99 during the backfill vs quiet, throttle on', target: '<= 1.2x', measured: fmt(h.throttledLiveTrafficP99Ratio, 'x'), met: met(h.throttledLiveTrafficP99Ratio, (n) => n <= 1.2) },
    { goal: 'freshness p99', target: '<= 2 s', measured: fmt(h.freshnessP99Seconds, ' s'), met: met(h.freshnessP99Seconds, (n) => n <= 2) },
    { goal: 'archiver peak resident memory', target: '<= 200 MB', measured: fmt(h.archiverPeakRssMB, ' MB'), met: met(h.archiverPeakRssMB, (n) => n <= 200) },
    { goal: 'throughput at the largest growth size vs the smallest', target: '>= 0.9x', measured: fmt(h.growthRatio, 'x'), met: met(h.growthRatio, (n) => n >= 0.9) },
    { goal: 'status ETA error from 25% of the backfill on', target: '<= 15%', measured: fmt(h.etaMaxErrorPercentFrom25, '%'), met: met(h.etaMaxErrorPercentFrom25, (n) => n <= 15) },
  ];
}

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const spreadText = (s: Spread, digits = 0) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}..${s.max.toFixed(digits)})`;
const table = (head: string[], rows: Array<Array<string | number>>) =>
  [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function contenders(run: BenchRun): BackfillResult[] {
  return [run.archiver1, run.archiverFullRows, run.archiver2, run.direct, run.throttled, run.copier].filter((r): r is BackfillResult => r !== undefined);
}

/** Per-minute throughput of each contender (and per 10 s for the chart). */
function perMinute(r: BackfillResult) {
  return windowRates(r.progress, 60_000).map((w) => Math.round(w.perSecond));
}

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
          points: windowRates(r.progress, 10_000).map((w) => ({ x: Math.round(w.toMs / 1000), y: Math.round(w.perSecond) })),
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
          { name: `quiet (before ${quietOf.contender})`, values: quietOf.latencySamples.quiet },
          ...traffic.map((r) => ({ name: `during ${r.contender} backfill`, values: r.latencySamples.backfill })),
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
        series: fresh.map((r) => ({ name: r.contender, values: (r.freshness?.all ?? []).map((v) => Math.max(0.05, v)) })),
      }),
    );
  }
  return charts;
}

export function formatMarkdown(run: BenchRun, chartFiles: string[]): string {
  const h = headline(run);
  const lines: string[] = [
    '# Benchmark results',
    '',
    `Run with \`${run.command}\` on ${run.date.slice(0, 10)} (whole run ${Math.round(run.runSeconds / 60)} min).`,
    `Machine: ${run.machine}. Code: commit ${run.code}.`,
    `Settings: ${Object.entries(run.settings).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    '## Goals (reported, not asserted)',
    '',
    table(['goal', 'target', 'measured', 'met'], goals(run).map((g) => [g.goal, g.target, g.measured, g.met === null ? 'n/a' : g.met ? 'yes' : `**no**`])),
    '',
  ];
  const cs = contenders(run);
  if (cs.length > 0) {
    lines.push(
      '## Backfill throughput',
      '',
      'Tickets moved end to end (cold copy durable, hot row deleted) per second, from the start of the backfill (signal',
      'or job start) to the last delete; per-minute rates below. Each contender starts from a wiped stack and the same',
      `generated data, under the business update stream (${run.settings.trafficPerSecond} updates/s).`,
      '',
      table(
        ['contender', 'tickets', 'cold moved', 'seconds', 'tickets/s', 'per minute (tickets/s)'],
        cs.map((r) => [r.contender, r.tickets, r.moved, r.seconds.toFixed(1), r.ticketsPerSecond.toFixed(0), perMinute(r).join(', ')]),
      ),
      '',
    );
  }
  if (run.ceilings) {
    const c = run.ceilings;
    lines.push(
      '## Ceilings (stores alone, nothing else running)',
      '',
      `Median of ${c.coldStore.length} runs of ${c.sample} cold tickets each, (min..max):`,
      '',
      table(
        ['store', 'operation', 'per second'],
        [
          ['cold store', 'insertMany of 1,000 cold documents at a time, one after the other', spreadText(spread(c.coldStore.map((x) => x.perSecond)))],
          ['PostgreSQL', 'DELETE ... WHERE id = ANY (10,000 ids), one statement after the other', spreadText(spread(c.delete.map((x) => x.perSecond)))],
        ],
      ),
      '',
    );
  }
  if (run.coldStoreCosts) {
    lines.push(
      '## The cold store\'s part of a move (timed alone)',
      '',
      `Median of ${run.settings.repeats} batches of 500 tickets (2 KB bodies) at each fill level, on an otherwise idle stack: the copy`,
      '(`writeCopies`: one insertMany), the copied -> archived transition (`markArchived`: one updateMany), and one poll',
      'of the due timers of 6 partitions (each archiver polls every `TIMER_POLL_INTERVAL`, 1 s).',
      '',
      table(
        ['archived before', 'timers waiting', 'insert 500 ms', 'markArchived 500 ms', 'timer poll ms'],
        run.coldStoreCosts.map((c) => [c.archivedBefore, c.timersBefore, c.insertMs.toFixed(0), c.markArchivedMs.toFixed(0), c.timerPollMs.toFixed(0)]),
      ),
      '',
    );
  }
  const fresh = cs.filter((r) => r.freshness);
  if (fresh.length > 0) {
    lines.push(
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
          return [r.contender, d.p50.toFixed(2), d.p95.toFixed(2), d.p99.toFixed(2), d.max.toFixed(2), (r.freshness?.rounds ?? []).map((x) => x.delays.p99.toFixed(2)).join(', '), (r.freshness?.rounds ?? []).reduce((s, x) => s + x.notMoved, 0)];
        }),
      ),
      '',
    );
  }
  if (cs.length > 0) {
    lines.push(
      '## Impact on live traffic',
      '',
      `Latency of single-row business updates (${run.settings.trafficPerSecond}/s, open loop: counted from each update's scheduled time). Quiet:`,
      `the same stream on the same loaded stack before the contender starts, ${run.settings.repeats} windows of ${run.settings.baselineSeconds} s, median (min..max).`,
      '',
      table(
        ['contender', 'quiet p50 ms', 'quiet p99 ms', 'during p50 ms', 'during p99 ms', 'p50 ratio', 'p99 ratio', 'errors'],
        cs.map((r) => {
          const q50 = spread(r.quietTraffic.map((q) => q.latency.p50));
          const q99 = spread(r.quietTraffic.map((q) => q.latency.p99));
          return [r.contender, spreadText(q50, 1), spreadText(q99, 1), ms(r.backfillTraffic.latency.p50), ms(r.backfillTraffic.latency.p99), latencyRatio(r, 'p50').toFixed(2), latencyRatio(r, 'p99').toFixed(2), r.backfillTraffic.errors];
        }),
      ),
      '',
    );
  }
  const withArchivers = cs.filter((r) => r.archivers);
  if (withArchivers.length > 0) {
    lines.push(
      '## Resources',
      '',
      table(
        ['contender', 'instance', 'CPU s', 'CPU s per 1,000 moves', 'peak RSS MB'],
        withArchivers.flatMap((r) => (r.archivers ?? []).map((a) => [r.contender, a.name, a.cpuSeconds.toFixed(1), ((a.cpuSeconds * 1000) / r.moved * (r.archivers?.length ?? 1)).toFixed(2), a.peakRssMB])),
      ),
      '',
      'CPU seconds per 1,000 moves of an instance count the moves of the whole group divided evenly among instances.',
      'CPU seconds of every component during each backfill (the machine has 2 cores, so at most 2 s per second):',
      '',
      table(
        ['contender', 'seconds', ...componentNames(cs)],
        cs.map((r) => [r.contender, r.seconds.toFixed(0), ...componentNames(cs).map((c) => (r.cpuByComponent[c] ?? 0).toFixed(0))]),
      ),
      '',
    );
  }
  if (run.growth.length > 0) {
    lines.push(
      '## Growth (archiver, one instance)',
      '',
      table(
        ['tickets', 'cold', 'moved', 'seconds', 'tickets/s', 'run'],
        run.growth.map((g) => [g.tickets, g.data.cold, g.moved, g.seconds.toFixed(0), g.ticketsPerSecond.toFixed(0), g.windowed ? `the first ${g.moved} moves` : 'whole backfill']),
      ),
      '',
    );
  }
  for (const r of cs.filter((c) => c.eta && c.eta.length > 0)) {
    lines.push(
      `## ETA honesty (${r.contender})`,
      '',
      'What `ticket-archiver status` predicted along the way (backlog / the group\'s 5-minute rate from the ledger), against when the backfill really ended:',
      '',
      table(
        ['moved when asked', 'at s', 'predicted s', 'took s', 'error %', 'basis'],
        (r.eta ?? []).map((e) => [`${(e.fraction * 100).toFixed(1)}%`, e.atSeconds.toFixed(0), e.etaSeconds ?? 'none', e.actualSeconds.toFixed(0), e.errorPercent ?? 'n/a', e.basis]),
      ),
      '',
    );
  }
  for (const profiled of cs.filter((r) => r.profile)) {
    const p = profiled.profile as NonNullable<BackfillResult['profile']>;
    const who = profiled.contender.startsWith('direct') ? 'the backfill process' : 'archiver 1';
    lines.push(
      `## Profile under load: ${who} (${profiled.contender}, V8 sampling profiler)`,
      '',
      `Profiled ${p.totalSeconds} s; idle (waiting on the stores) ${p.idleShare}% of it.`,
      '',
      table(['area', 'self seconds', 'share %'], p.byArea.slice(0, 10).map((a) => [a.area, a.seconds, a.share])),
      '',
      table(['function', 'area', 'self seconds', 'share %'], p.topFunctions.map((f) => [f.name.replaceAll('|', '\\|'), f.area, f.seconds, f.share])),
      '',
    );
  }
  if (chartFiles.length > 0) {
    lines.push('## Charts', '', ...chartFiles.map((f) => `![${f.split('/').pop()}](charts/${f.split('/').pop()})\n`), '');
  }
  lines.push('## Data', '', ...cs.slice(0, 1).map((r) => `Generated tickets: ${r.data.total}, cold ${r.data.cold}, body bytes mean ${r.data.bodyBytes.mean} (min ${r.data.bodyBytes.min}, max ${r.data.bodyBytes.max}), hot table ${Math.round(r.data.tableBytes / 2 ** 20)} MiB with indexes.`), '');
  lines.push('Notes: ' + cs.flatMap((r) => r.notes.map((n) => `${r.contender}: ${n}`)).join('; ') + '.', '');
  lines.push(`Headline figures (results.json): ${JSON.stringify(h)}`, '');
  return lines.join('\n');
}

function componentNames(cs: BackfillResult[]): string[] {
  return [...new Set(cs.flatMap((r) => Object.keys(r.cpuByComponent)))].sort();
}

/** Writes results.json, RESULTS.md and charts/ into `dir`. */
export async function writeReport(run: BenchRun, dir: string): Promise<{ json: string; markdown: string }> {
  mkdirSync(dir, { recursive: true });
  const charts = await drawCharts(run, join(dir, 'charts'));
  const json = join(dir, 'results.json');
  const markdown = join(dir, 'RESULTS.md');
  // Raw samples stay out of the JSON (charts hold them); progress is kept at its sampling resolution.
  const slim = (r: BackfillResult | undefined) => (r ? { ...r, latencySamples: undefined, freshness: r.freshness ? { rounds: r.freshness.rounds, all: distribution(r.freshness.all) } : undefined } : undefined);
  const body = { ...headline(run), goals: goals(run), run: { ...run, copier: slim(run.copier), archiver1: slim(run.archiver1), archiver2: slim(run.archiver2), archiverFullRows: slim(run.archiverFullRows), direct: slim(run.direct), throttled: slim(run.throttled), growth: run.growth.map((g) => slim(g)) } };
  writeFileSync(json, `${JSON.stringify(body, null, 2)}\n`);
  writeFileSync(markdown, formatMarkdown(run, charts));
  return { json, markdown };
}

