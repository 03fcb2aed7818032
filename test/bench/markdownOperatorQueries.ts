// RESULTS.md's section on the operators' commands at several table sizes: wall time of status, plan and a full count
// at each size, the ratio of the largest size to the smallest (issue 24: bounded whatever the size), what plan's
// queries cost by kind, and how close the default answers are to the count.
import type { BenchRun } from './headline.ts';
import { spreadText, table } from './markdownTable.ts';
import { growthRatio, type Command, type CommandTimes, type OperatorQueriesAtSize } from './operatorQueries.ts';

const LABEL: Record<Command, string> = {
  startup: '`--version` (the program starting)',
  status: '`status --json` (default)',
  plan: '`plan --json` (default)',
  count: '`status --json --count` (every candidate counted)',
};

const secs = (t: CommandTimes) => spreadText(t.seconds, 2);
const n = (v: number) => (Number.isFinite(v) ? v.toLocaleString('en') : 'n/a');

function planKinds(sizes: OperatorQueriesAtSize[]): string {
  const kinds = [...new Set(sizes.flatMap((s) => Object.keys(s.planQueries.byKind)))];
  return table(
    ["plan's queries (its own account, median run)", ...sizes.map((s) => `${n(s.tickets)} tickets: count, ms`)],
    [
      ...kinds.map((k) => [
        k,
        ...sizes.map((s) => {
          const q = s.planQueries.byKind[k];
          return q ? `${q.count}, ${q.ms}` : '';
        }),
      ]),
      ['all', ...sizes.map((s) => `${s.planQueries.count}, ${s.planQueries.totalMs}`)],
    ],
  );
}

export function operatorQueriesSection(run: BenchRun): string[] {
  const r = run.operatorQueries;
  if (!r || r.sizes.length === 0) return [];
  const commands: Command[] = ['startup', 'status', 'plan', 'count'];
  const sizes = r.sizes;
  const ratio = `${n(sizes.at(-1)?.tickets ?? 0)} / ${n(sizes[0]?.tickets ?? 0)}`;
  const ratioHead = sizes.length > 1 ? [`${ratio}, medians`, `${ratio}, fastest runs`] : [];
  return [
    '## Operators’ commands at several table sizes (status, plan)',
    '',
    `${r.program}, run as a child process against the benchmark's stack, COLD_AFTER ${r.coldAfter}, each size in a`,
    `database of its own: wall seconds from start to exit, median (min..max) of ${r.runs} rounds after one unrecorded`,
    'round, each round asking every size in turn (so that other work on the machine weighs on all sizes alike; load',
    `average ${r.loadAverage.before} when the rounds began, ${r.loadAverage.after} when they ended, on 2 cores).`,
    '',
    table(
      ['command', ...sizes.map((s) => `${n(s.tickets)} tickets`), ...ratioHead],
      commands.map((c) => [
        LABEL[c],
        ...sizes.map((s) => secs(s[c])),
        ...(sizes.length > 1 ? [`${growthRatio(sizes, c)}x`, `${growthRatio(sizes, c, 'min')}x`] : []),
      ]),
    ),
    '',
    planKinds(sizes),
    '',
    table(
      ['tickets', 'table MiB', 'load s', 'vacuum+analyze s', 'cold (--count)', 'status says', 'plan says'],
      sizes.map((s) => [
        n(s.tickets),
        Math.round(s.tableBytes / 2 ** 20),
        s.loadSeconds.toFixed(0),
        s.settleSeconds.toFixed(0),
        n(s.coldCounted),
        n(s.coldStatus),
        n(s.coldPlan),
      ]),
    ),
    '',
    "Slowest of plan's queries (median run): " +
      sizes
        .map(
          (s) =>
            `${n(s.tickets)} tickets: ${s.planQueries.slowest.map((q) => `${q.name} ${q.ms} ms (${q.plan})`).join('; ')}`,
        )
        .join('. ') +
      '.',
    '',
    `Notes: ${r.notes.join('; ')}.`,
    '',
  ];
}
