// RESULTS.md's sections on speed: each contender's backfill throughput, the stores' ceilings alone, the cold store's
// part of a move as it fills, and how throughput holds as the table grows.
import type { BenchRun } from './headline.ts';
import { spreadText, table } from './markdownTable.ts';
import type { BackfillResult } from './stage.ts';
import { spread, windowRates } from './stats.ts';

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
  return [
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
