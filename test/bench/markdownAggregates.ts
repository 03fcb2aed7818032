// RESULTS.md's section on the aggregates part (aggregatesStage.ts): each workload's rates and costs side by side, the
// ratios round by round, where the CPU went, the round trips of a batch, the data, and the checks.
import type { TripsPerBatch, WorkloadName } from './aggregateMath.ts';
import type { BenchRun } from './headline.ts';
import { spreadText, table } from './markdownTable.ts';

const n = (x: number, digits = 0) =>
  Number.isFinite(x) ? x.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
const mb = (bytes: number) => n(bytes / 1e6, 1);

export function aggregatesSection(run: BenchRun): string[] {
  const a = run.aggregates;
  if (!a) return [];
  const label = (w: WorkloadName) => a.workloads.find((x) => x.name === w)?.label ?? w;
  const names = a.summaries.map((s) => s.workload);
  const ratio = (s: typeof a.ratios.partsVsRoots) => (s ? `${spreadText(s, 3)}` : 'n/a');
  const lines = [
    '## Tickets with their parts (aggregates)',
    '',
    `\`ticket-archiver backfill\` (tsx, BACKFILL_WORKERS 2, batches of ARCHIVE_BATCH_SIZE) on ${n(a.tickets)} tickets per workload, loaded and moved in ${a.rounds} rounds, each workload in turn in each round (order rotated), COLD_AFTER ${a.coldAfterMs / 3_600_000} h. Seconds run from the backfill's plan to its last move's commit. Text: octet_length(p::text) of the root and part rows moved. WAL: the hot server's, during the backfill (after a CHECKPOINT); vacuum: the VACUUM (ANALYZE) after it. Cold growth: dbStats storageSize of the workload's cold database (its dataSize, kept in results.json, was far below the documents' size for large documents on this FerretDB, so it is not shown).`,
    '',
    table(
      [
        'workload',
        'tickets moved',
        'seconds',
        'tickets/s (rounds)',
        'part rows/s',
        'MB/s of text',
        'WAL B/ticket (records, full-page images)',
        'vacuum WAL B/ticket',
        'cold storage B/ticket',
        'wall s',
        'mover CPU ms/ticket',
        'mover peak MB',
      ],
      a.summaries.map((s) => [
        label(s.workload),
        n(s.moved),
        n(s.seconds, 1),
        `${n(s.ticketsPerSecond, 1)} (${s.perRound.map((r) => n(r)).join(', ')})`,
        n(s.partRowsPerSecond),
        n(s.textMBPerSecond, 2),
        `${n(s.walBytesPerTicket)} (${n(s.walRecordsPerTicket, 1)}, ${n(s.walFpiPerTicket, 2)})`,
        n(s.vacuumWalBytesPerTicket),
        n(s.coldStorageBytesPerTicket),
        n(s.wallSeconds, 1),
        n(s.moverCpuMsPerTicket, 2),
        n(s.moverPeakRssMB),
      ]),
    ),
    '',
    `Tickets per second, one workload over another, round by round, median (min..max): with parts over rows only ${ratio(a.ratios.partsVsRoots)}; with parts over the single-row table ${ratio(a.ratios.partsVsSingle)}; rows only over the single-row table ${ratio(a.ratios.rootsVsSingle)}. Load average (1 min, 2 cores) ${a.loadAverage.atStart} at the start, ${a.loadAverage.perBackfill.join(', ')} after each backfill, ${a.loadAverage.atEnd} at the end.`,
    '',
  ];
  const components = [...new Set(a.summaries.flatMap((s) => Object.keys(s.cpuByComponent)))].sort();
  lines.push(
    'CPU seconds during the backfills, all rounds (the mover from its plan on; the stack by component):',
    '',
    table(
      ['workload', 'mover (backfill)', ...components],
      a.summaries.map((s) => [
        label(s.workload),
        n(s.moverCpuSeconds, 1),
        ...components.map((c) => n(s.cpuByComponent[c] ?? 0, 1)),
      ]),
    ),
    '',
  );
  const kinds = [...new Set(names.flatMap((w) => (a.trips[w]?.kinds ?? []).map((k) => k.label)))];
  const cell = (w: WorkloadName, k: string) => {
    const t = a.trips[w]?.kinds.find((x) => x.label === k);
    return t ? `${n(t.perBatch, 2)} (${n(t.msPerBatch, 1)} ms)` : '';
  };
  const total = (w: WorkloadName, prefix: string) => {
    const mine = (a.trips[w]?.kinds ?? []).filter((k) => k.label.startsWith(`${prefix} `));
    const sum = (f: (k: TripsPerBatch) => number) => mine.reduce((x, k) => x + f(k), 0);
    return `**${n(
      sum((k) => k.perBatch),
      1,
    )}** (${n(
      sum((k) => k.msPerBatch),
      0,
    )} ms)`;
  };
  const atStart = (w: WorkloadName) => a.runs.filter((r) => r.workload === w).map((r) => r.tripsAtStart);
  lines.push(
    `Round trips of the backfill process per batch (a batch is one re-read of its tickets; ${names.map((w) => `${label(w)}: ${n(a.trips[w]?.batches ?? 0)} batches`).join(', ')}), calls per batch (milliseconds waited per batch, summed over the concurrent workers), from aggregateTrips.ts, counted from the backfill's plan on (before it, each process made ${names.map((w) => `${atStart(w).join(', ')}`).join('; ')} calls to start: connections, the spec's fit, the cold store's indexes), most frequent first:`,
    '',
    table(
      ['statement or cold-store call', ...names.map(label)],
      [
        ...['pg', 'cold'].map((p) => [
          `**all ${p === 'pg' ? 'PostgreSQL statements' : 'cold-store calls'}**`,
          ...names.map((w) => total(w, p)),
        ]),
        ...kinds.map((k) => [`\`${k}\``, ...names.map((w) => cell(w, k))]),
      ],
    ),
    '',
  );
  lines.push(...profileLines(a));
  const bodies = a.data.bodies;
  lines.push(
    `Data: ${n(bodies.articles ?? 0)} articles of the first round's tickets; their bodies (bytes) min ${n(bodies.min ?? 0)}, median ${n(bodies.p50 ?? 0)}, mean ${n(bodies.mean ?? 0)}, p90 ${n(bodies.p90 ?? 0)}, p99 ${n(bodies.p99 ?? 0)}, max ${n(bodies.max ?? 0)}; ${n(bodies.htmlPercent ?? 0, 1)}% HTML. Part rows per cold ticket: ${Object.entries(
      a.data.partRowsPerColdTicket,
    )
      .map(([k, v]) => `${k} ${n(v, 2)}`)
      .join(', ')}. Loading and settling took ${n(a.data.loadSeconds)} s. Databases at the end: ${names
      .map(
        (w) =>
          `${label(w)} hot ${mb(a.data.sizes[w]?.hotBytes ?? 0)} MB, cold ${mb(a.data.sizes[w]?.coldStorageBytes ?? 0)} MB`,
      )
      .join('; ')}.`,
    '',
    'Checks at the end:',
    '',
    table(
      [
        'workload',
        'cold tickets (expected)',
        'still hot',
        'ledger archived',
        'cold documents (archives)',
        'part rows in cold documents (expected)',
        'part rows left hot',
        'verify --sample',
        'ok',
      ],
      a.checks.map((c) => [
        label(c.workload),
        n(c.expectedTickets),
        n(c.coldLeftHot),
        n(c.ledgerArchived),
        `${n(c.coldDocuments)} (${n(c.coldArchived)})`,
        `${n(c.coldPartRows)} (${n(c.expectedPartRows)})`,
        n(Object.values(c.partRowsLeftHot).reduce((s, x) => s + x, 0)),
        `${c.verify.sample}: exit ${c.verify.exitCode}, ${c.verify.violations ?? 'n/a'} violations, ${c.verify.seconds} s`,
        c.ok ? 'yes' : '**no**',
      ]),
    ),
    '',
    `Notes: ${a.notes.join('; ')}.`,
    '',
  );
  return lines;
}

/** Where the backfill process's CPU went while it moved tickets with parts (the profiled extra backfill). */
function profileLines(a: NonNullable<BenchRun['aggregates']>): string[] {
  const p = a.profile.summary;
  const r = a.profile.run;
  if (!p) return ['No profile was written by the profiled backfill.', ''];
  return [
    `Profile of the backfill process moving tickets with parts: one more backfill of ${n(r.moved)} tickets (${n(r.moved / r.seconds)} tickets/s under the profiler, not in the rates above), V8's sampling profiler (node --cpu-prof), ${n(p.totalSeconds, 1)} s sampled, ${n(p.idleShare, 1)}% of it idle (waiting on the stores). Self time by area, then the functions with the most self time:`,
    '',
    table(
      ['area', 'seconds', 'share'],
      p.byArea.slice(0, 10).map((x) => [x.area, n(x.seconds, 2), `${n(x.share, 1)}%`]),
    ),
    '',
    table(
      ['function', 'area', 'seconds', 'share'],
      p.topFunctions.map((f) => [`\`${f.name}\``, f.area, n(f.seconds, 2), `${n(f.share, 1)}%`]),
    ),
    '',
  ];
}
