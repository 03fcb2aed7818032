// The fault suite's result rows: printed as a table, written as JSON and as a Markdown table beside it.
import { writeFileSync } from 'node:fs';
import { codeVersion } from '../support/runRecord.ts';

export { machineDescription } from '../support/runRecord.ts';

export interface FaultResult {
  scenario: string;
  /** The table archived (schema-qualified); absent in results written before the suite ran on other tables. */
  table?: string;
  tickets: number;
  moved: number;
  retried: number;
  /** Open stuck deletions at the end (after the reconciler), not escalated. */
  stuck: number;
  escalated: number;
  violations: number;
  /** From the end of the fault to a settled system; null when it did not settle in time. */
  settleSeconds: number | null;
  date: string;
  machine: string;
  /** The commit the suite ran at. */
  code?: string;
  /** Kafka nodes and Connect workers of the stack it ran on; absent in results of the single-node stack before. */
  stack?: string;
  title: string;
  fault: string;
  archiverCrashes: number;
  /** FAILED connectors or tasks that the suite restarted (connectorSupervisor.ts); absent in older results. */
  connectorRestarts?: number;
  stuckRecorded: number;
  /** Outcomes of the archivers' moves (archived, changed, partsChanged, notCold, notDue, ...), from their progress logs. */
  moveOutcomes: Record<string, number>;
  /** On a table with parts: the part rows checked (expected, hot and archived at the end) and the documented gap's
   * orphans (conclusion.ts); absent otherwise. */
  parts?: Record<string, number>;
  /** Moves that met an ALTER TABLE between copy and delete and copied again. */
  recopiedAfterSchemaChange: number;
  reconcilerPass: Record<string, number | boolean>;
  violationsByCheck: Record<string, number>;
  violatingIds: string[];
  traffic: Record<string, number>;
  runSeconds: number;
}

/** The commit the suite ran at (its own result files excluded, which a run rewrites after each scenario; named
 * exactly, so that results.ts itself still counts as code). */
export const faultCodeVersion = () =>
  codeVersion([
    'test/faults/results.json',
    'test/faults/results.md',
    'test/faults/results-*.json',
    'test/faults/results-*.md',
    'test/faults/random-results*',
  ]);

const COLUMNS: Array<[string, (r: FaultResult) => string]> = [
  ['scenario', (r) => r.scenario],
  ['tickets', (r) => String(r.tickets)],
  ['moved', (r) => String(r.moved)],
  ['retried', (r) => String(r.retried)],
  ['stuck', (r) => String(r.stuck)],
  ['escalated', (r) => String(r.escalated)],
  ['violations', (r) => String(r.violations)],
  ['settle s', (r) => (r.settleSeconds === null ? 'did not settle' : r.settleSeconds.toFixed(1))],
];

export function formatTable(results: FaultResult[]): string {
  const rows = [COLUMNS.map(([h]) => h), ...results.map((r) => COLUMNS.map(([, f]) => f(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => (row[i] as string).length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
        .join('  '),
    )
    .join('\n');
}

export function formatMarkdown(results: FaultResult[], command: string): string {
  const first = results[0];
  const lines = [
    '# Fault and race suite: results',
    '',
    `Run with \`${command}\` on ${first?.date.slice(0, 10) ?? 'n/a'}.`,
    `Machine: ${first?.machine ?? 'n/a'}.${first?.code ? ` Code: commit ${first.code}.` : ''}`,
    ...(first?.table ? [`Table: \`${first.table}\`.`] : []),
    ...(first?.stack ? [`Stack: ${first.stack}.`] : []),
    '',
    `| ${COLUMNS.map(([h]) => h).join(' | ')} |`,
    `|${COLUMNS.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...results.map((r) => `| ${COLUMNS.map(([, f]) => f(r)).join(' | ')} |`),
    '',
    '## What each scenario did',
    '',
    ...results.map(
      (r) =>
        `- **${r.scenario}** (${r.title}): ${r.fault}. Archiver crashes restarted: ${r.archiverCrashes};${r.connectorRestarts ? ` FAILED connector tasks restarted: ${r.connectorRestarts};` : ''} stuck deletions recorded: ${r.stuckRecorded}; move outcomes: ${Object.entries(
          r.moveOutcomes,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}${
          r.parts
            ? `; part rows: ${Object.entries(r.parts)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')}`
            : ''
        }${r.recopiedAfterSchemaChange ? `; moves copied again after the schema change: ${r.recopiedAfterSchemaChange}` : ''}; traffic: ${Object.entries(
          r.traffic,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}; whole run ${r.runSeconds} s.`,
    ),
    '',
    'Columns: *tickets* created (loaded plus inserted by the traffic); *moved* archived at the end; *retried* transient',
    'failures retried by the archivers plus stuck deletions retried by the reconciler; *stuck* and *escalated* open stuck',
    "deletions after the reconciler pass; *violations* found by `ticket-archiver verify` plus the suite's own checks",
    '(every created ticket in a tier, untouched archives equal to the loaded row, only cold rows deleted, added columns',
    'carried); *settle s* from the end of the fault until the group has no lag and no hot ticket is overdue.',
    ...(results.some((r) => r.parts)
      ? [
          '*Part rows* (a table with parts): *expected* the rows loaded or written by the traffic, each of which must be',
          "in its ticket's tier as last written (any other count is a violation: lost, left hot, in both tiers, not as",
          'written); *uncertain* rows whose last write was cut off (place checked, content not); *hot* and *archived* at',
          'the end; *chunkedArchives* archives whose parts are in chunk documents; *gapOrphanRows* history rows written',
          "after the move checked the ticket's parts, left hot by the documented (type, id) gap: counted, not violations.",
        ]
      : []),
    '',
  ];
  return lines.join('\n');
}

export function writeResults(results: FaultResult[], jsonFile: string, markdownFile: string, command: string): void {
  writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(markdownFile, formatMarkdown(results, command));
}
