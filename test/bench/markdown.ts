// RESULTS.md: the run's tables, goals first, in the order a reader asks (throughput, ceilings, freshness, impact,
// resources, growth, ETA, profiles).
import { contenders, goals, headline, latencyRatio, type BenchRun } from './headline.ts';
import type { BackfillResult } from './stage.ts';
import { distribution, spread, windowRates, type Spread } from './stats.ts';

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const spreadText = (s: Spread, digits = 0) =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}..${s.max.toFixed(digits)})`;
const table = (head: string[], rows: Array<Array<string | number>>) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

/** Per-minute throughput of each contender (and per 10 s for the chart). */
function perMinute(r: BackfillResult) {
  return windowRates(r.progress, 60_000).map((w) => Math.round(w.perSecond));
}

export function formatMarkdown(run: BenchRun, chartFiles: string[]): string {
  const h = headline(run);
  const lines: string[] = [
    '# Benchmark results',
    '',
    `Run with \`${run.command}\` on ${run.date.slice(0, 10)} (whole run ${Math.round(run.runSeconds / 60)} min).`,
    `Machine: ${run.machine}. Code: commit ${run.code}.`,
    `Settings: ${Object.entries(run.settings)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    '## Goals (reported, not asserted)',
    '',
    table(
      ['goal', 'target', 'measured', 'met'],
      goals(run).map((g) => [g.goal, g.target, g.measured, g.met === null ? 'n/a' : g.met ? 'yes' : `**no**`]),
    ),
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
        cs.map((r) => [
          r.contender,
          r.tickets,
          r.moved,
          r.seconds.toFixed(1),
          r.ticketsPerSecond.toFixed(0),
          perMinute(r).join(', '),
        ]),
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
          [
            'cold store',
            'insertMany of 1,000 cold documents at a time, one after the other',
            spreadText(spread(c.coldStore.map((x) => x.perSecond))),
          ],
          [
            'PostgreSQL',
            'DELETE ... WHERE id = ANY (10,000 ids), one statement after the other',
            spreadText(spread(c.delete.map((x) => x.perSecond))),
          ],
        ],
      ),
      '',
    );
  }
  if (run.coldStoreCosts) {
    lines.push(
      "## The cold store's part of a move (timed alone)",
      '',
      `Median of ${run.settings.repeats} batches of 500 tickets (2 KB bodies) at each fill level, on an otherwise idle stack: the copy`,
      '(`writeCopies`: one insertMany), the copied -> archived transition (`markArchived`: one updateMany), and one poll',
      'of the due timers of 6 partitions (each archiver polls every `TIMER_POLL_INTERVAL`, 1 s).',
      '',
      table(
        ['archived before', 'timers waiting', 'insert 500 ms', 'markArchived 500 ms', 'timer poll ms'],
        run.coldStoreCosts.map((c) => [
          c.archivedBefore,
          c.timersBefore,
          c.insertMs.toFixed(0),
          c.markArchivedMs.toFixed(0),
          c.timerPollMs.toFixed(0),
        ]),
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
    );
  }
  const withArchivers = cs.filter((r) => r.archivers);
  if (withArchivers.length > 0) {
    lines.push(
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
    );
  }
  if (run.growth.length > 0) {
    lines.push(
      '## Growth (archiver, one instance)',
      '',
      table(
        ['tickets', 'cold', 'moved', 'seconds', 'tickets/s', 'run'],
        run.growth.map((g) => [
          g.tickets,
          g.data.cold,
          g.moved,
          g.seconds.toFixed(0),
          g.ticketsPerSecond.toFixed(0),
          g.windowed ? `the first ${g.moved} moves` : 'whole backfill',
        ]),
      ),
      '',
    );
  }
  for (const r of cs.filter((c) => c.eta && c.eta.length > 0)) {
    lines.push(
      `## ETA honesty (${r.contender})`,
      '',
      "What `ticket-archiver status` predicted along the way (backlog / the group's 5-minute rate from the ledger), against when the backfill really ended:",
      '',
      table(
        ['moved when asked', 'at s', 'predicted s', 'took s', 'error %', 'basis'],
        (r.eta ?? []).map((e) => [
          `${(e.fraction * 100).toFixed(1)}%`,
          e.atSeconds.toFixed(0),
          e.etaSeconds ?? 'none',
          e.actualSeconds.toFixed(0),
          e.errorPercent ?? 'n/a',
          e.basis,
        ]),
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
      table(
        ['area', 'self seconds', 'share %'],
        p.byArea.slice(0, 10).map((a) => [a.area, a.seconds, a.share]),
      ),
      '',
      table(
        ['function', 'area', 'self seconds', 'share %'],
        p.topFunctions.map((f) => [f.name.replaceAll('|', '\\|'), f.area, f.seconds, f.share]),
      ),
      '',
    );
  }
  if (run.reads) {
    const r = run.reads;
    lines.push(
      '## Reads (the read API, `ticket-archiver serve`)',
      '',
      `${r.tickets} tickets split by the direct backfill into ${r.hot} hot and ${r.archived} archived; ${r.notes.join('; ')}. Latency in ms.`,
      '',
      table(
        ['read', 'tier', 'p50', 'p95', 'p99', 'max', 'answered 200'],
        r.reads.map((x) => [
          x.kind,
          x.tier,
          ms(x.latency.p50),
          ms(x.latency.p95),
          ms(x.latency.p99),
          ms(x.latency.max),
          `${(x.ok * 100).toFixed(1)}%`,
        ]),
      ),
      '',
    );
  }
  if (chartFiles.length > 0) {
    lines.push(
      '## Charts',
      '',
      ...chartFiles.map((f) => `![${f.split('/').pop()}](charts/${f.split('/').pop()})\n`),
      '',
    );
  }
  lines.push(
    '## Data',
    '',
    ...cs
      .slice(0, 1)
      .map(
        (r) =>
          `Generated tickets: ${r.data.total}, cold ${r.data.cold}, body bytes mean ${r.data.bodyBytes.mean} (min ${r.data.bodyBytes.min}, max ${r.data.bodyBytes.max}), hot table ${Math.round(r.data.tableBytes / 2 ** 20)} MiB with indexes.`,
      ),
    '',
  );
  lines.push('Notes: ' + cs.flatMap((r) => r.notes.map((n) => `${r.contender}: ${n}`)).join('; ') + '.', '');
  lines.push(`Headline figures (results.json): ${JSON.stringify(h)}`, '');
  return lines.join('\n');
}

function componentNames(cs: BackfillResult[]): string[] {
  return [...new Set(cs.flatMap((r) => Object.keys(r.cpuByComponent)))].sort();
}
