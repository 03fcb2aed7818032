// RESULTS.md's section on the operators' commands as the table grows: wall time of status, plan and an exact count
// at each size, and the ratio of the largest size to the smallest (issue 24: estimates, bounded whatever the size).
import type { BenchRun } from './headline.ts';
import { spreadText, table } from './markdownTable.ts';
import { growthRatio, type Command, type CommandTimes } from './operatorQueries.ts';
const LABEL: Record<Command, string> = {
  startup: '`--version` (the program starting)',
  status: '`status --json` (estimate, default)',
  plan: '`plan --json` (estimates, default)',
  count: '`status --json --count` (exact)',
};

const secs = (t: CommandTimes) => spreadText(t.seconds, 2);
const n = (v: number) => (Number.isFinite(v) ? v.toLocaleString('en') : 'n/a');

export function operatorQueriesSection(run: BenchRun): string[] {
  const r = run.operatorQueries;
  if (!r || r.sizes.length === 0) return [];
  const commands: Command[] = ['startup', 'status', 'plan', 'count'];
  const sizes = r.sizes;
  const ratio = `${n(sizes.at(-1)?.tickets ?? 0)} / ${n(sizes[0]?.tickets ?? 0)}`;
  const ratioHead = sizes.length > 1 ? [`${ratio}, medians`, `${ratio}, fastest runs`] : [];
  return [
    '## Operators’ commands as the table grows (status, plan)',
    '',
    `${r.program}, run as a child process against the benchmark's stack, COLD_AFTER ${r.coldAfter}: wall seconds from`,
    `start to exit, median (min..max) of ${r.runs} interleaved rounds after one unrecorded round. The machine is shared`,
    '(see the load averages below): `--version` shows how much of a change is the machine rather than the command, and',
    'the fastest runs, the least disturbed, bound what a command itself costs.',
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
    table(
      [
        'tickets',
        'table MiB',
        'load s',
        'vacuum+analyze s',
        'cold (counted)',
        'status estimate',
        'plan estimate',
        'load average (1 min) before..after',
      ],
      sizes.map((s) => [
        n(s.tickets),
        Math.round(s.tableBytes / 2 ** 20),
        s.loadSeconds.toFixed(0),
        s.settleSeconds.toFixed(0),
        n(s.coldCounted),
        n(s.coldStatusEstimate),
        n(s.coldPlanEstimate),
        `${s.loadAverage.before}..${s.loadAverage.after}`,
      ]),
    ),
    '',
    "`plan`'s own account of its queries (its `queries`, median run): " +
      sizes
        .map(
          (s) =>
            `${n(s.tickets)} tickets: ${s.planQueries.count} queries, ${s.planQueries.totalMs} ms in all, slowest ${s.planQueries.slowest
              .map((q) => `${q.name} ${q.ms} ms (${q.plan})`)
              .join('; ')}`,
        )
        .join('. ') +
      '.',
    '',
    `Notes: ${r.notes.join('; ')}.`,
    '',
  ];
}
