// RESULTS.md's sections on speed: each contender's backfill throughput, the stores' ceilings alone, the cold store's
// part of a move as it fills, and how throughput holds as the table grows.
import type { BenchRun } from './headline.ts';
import { spreadText, table } from './markdownTable.ts';
import type { BackfillResult } from './stage.ts';
import { windowRates } from './stats.ts';

/** Per-minute throughput of each contender (and per 10 s for the chart). */
function perMinute(r: BackfillResult) {
  return windowRates(r.progress, 60_000).map((w) => Math.round(w.perSecond));
}

export function throughputSection(run: BenchRun, cs: BackfillResult[]): string[] {
  if (cs.length === 0) return [];
  return [
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
  ];
}

export function ceilingsSection(run: BenchRun): string[] {
  const c = run.ceilings;
  if (!c) return [];
  const repeats = c.deleteRuns.length / c.byWriters.length;
  return [
    '## Ceilings (stores alone, nothing else running)',
    '',
    `Each store used as a move uses it, by 1, 2 and 4 writers at once, each writer with batches of ${c.batchSize}`,
    `(the move's) of its own, one after the other: ${c.coldStoreSample} documents or ${c.sample} deletes a run,`,
    `median (min..max) of ${repeats} runs. Cold store: moves of clones of real cold documents (other keys) into the`,
    'archive collection with its indexes, each move recorded, its copies written in one insertMany (`writeCopies`)',
    `and the move committed, with ${c.fills.join(', ')} archives in the collection (the generated cold tickets`,
    "archived first; each run's clones deleted after it). Hot delete: the product's guarded delete",
    '(`deleteUnchanged`: lock function, deletable re-check and ledger in one transaction) of cold tickets whose copies',
    "are in the cold store, as the movers' role.",
    '',
    table(
      [
        'writers',
        ...c.fills.map((f) => `cold store at ${f} archives`),
        'cold store, all fills',
        'hot delete',
        'slower',
      ],
      c.byWriters.map((w) => [
        w.writers,
        ...w.coldStoreByFill.map((f) => spreadText(f.perSecond)),
        spreadText(w.coldStore),
        spreadText(w.delete),
        `${w.slowerPerSecond.toFixed(0)} (${w.slowerStore})`,
      ]),
    ),
    '',
    `The slower store's best measured ceiling: **${c.best.perSecond.toFixed(0)}/s** with ${c.best.writers} writers (${c.best.store}).`,
    '',
  ];
}

export function coldStoreCostsSection(run: BenchRun): string[] {
  if (!run.coldStoreCosts) return [];
  return [
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
  ];
}

export function growthSection(run: BenchRun): string[] {
  if (run.growth.length === 0) return [];
  return [
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
  ];
}
