// RESULTS.md: the run's tables, goals first, in the order a reader asks (throughput, ceilings, freshness, impact,
// resources, growth, ETA, profiles, reads, operators' commands); each section's table comes from the file of its theme.
import { contenders, headline, type BenchRun } from './headline.ts';
import { goals } from './benchGoals.ts';
import { aggregatesSection } from './markdownAggregates.ts';
import { peerMarkdown } from './markdownPeer.ts';
import { etaSections, profileSections } from './markdownEtaAndProfiles.ts';
import { freshnessSection, liveTrafficSection, resourcesSection } from './markdownImpact.ts';
import { operatorQueriesSection } from './markdownOperatorQueries.ts';
import { readsSection } from './markdownReads.ts';
import { table } from './markdownTable.ts';
import { ceilingsSection, coldStoreCostsSection, growthSection, throughputSection } from './markdownThroughput.ts';

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
  lines.push(
    ...throughputSection(run, cs),
    ...ceilingsSection(run),
    ...(run.peer ? peerMarkdown(run.peer) : []),
    ...coldStoreCostsSection(run),
    ...freshnessSection(run, cs),
    ...liveTrafficSection(run, cs),
    ...resourcesSection(cs),
    ...growthSection(run),
    ...etaSections(cs),
    ...profileSections(cs),
    ...readsSection(run),
    ...operatorQueriesSection(run),
    ...aggregatesSection(run),
  );
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
