// The aggregates part's end: every ticket that was cold is archived, once, whole. For each workload: no ticket that was
// cold by the rule when its last backfill started left hot, the ledger's archived tickets and the cold store's documents (all archives) equal to the
// cold tickets counted before each backfill, the part rows the cold documents say they hold (archive.parts.counts)
// equal to the part rows counted under those tickets, no part row left hot under a ticket or part row that went, and
// `ticket-archiver verify --sample` over the workload's tiers.
import { LEDGER } from '../../services/edges/hotStore/tableSql.ts';
import { archiverEnv } from '../support/archiverEnv.ts';
import { runCli } from '../support/runCli.ts';
import { coldCollections } from '../support/stores.ts';
import type { Workload } from './aggregateBackfill.ts';
import type { BackfillMeasure, WorkloadName } from './aggregateMath.ts';
import { coldLeft, orphans } from './aggregateSql.ts';

export interface WorkloadCheck {
  workload: WorkloadName;
  expectedTickets: number;
  coldLeftHot: number;
  ledgerArchived: number;
  coldDocuments: number;
  /** Of those, archives by the move protocol's rule (state archived, or inMove with their move committed). */
  coldArchived: number;
  expectedPartRows: number;
  /** Sum of archive.parts.counts over the archives. */
  coldPartRows: number;
  /** Part rows whose parent row is gone, by part. */
  partRowsLeftHot: Record<string, number>;
  verify: { sample: number; exitCode: number | null; violations: number | null; seconds: number; checked: unknown };
  ok: boolean;
}

export async function checkWorkload(
  w: Workload,
  runs: BackfillMeasure[],
  o: { coldAfterMs: number; group: string; verifySample: number },
): Promise<WorkloadCheck> {
  const mine = runs.filter((r) => r.workload === w.name);
  const expectedTickets = mine.reduce((s, r) => s + r.expected.tickets, 0);
  const expectedPartRows = mine.reduce((s, r) => s + r.expected.partRows, 0);
  const { rows } = await w.owner.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${LEDGER} WHERE state = 'archived'`,
  );
  // Archives by the move protocol's rule: state archived, or inMove with their move committed.
  const cold = coldCollections(w.cold);
  const docs = await cold.tickets
    .find({}, { projection: { version: 1, 'archive.state': 1, 'archive.move': 1, 'archive.parts.counts': 1 } })
    .toArray();
  const archives = await cold.archives(docs);
  let coldPartRows = 0;
  for (const doc of archives) for (const n of Object.values(doc.archive?.parts?.counts ?? {})) coldPartRows += n;
  const began = performance.now();
  const res = await runCli(
    ['verify', '--sample', String(o.verifySample), '--json'],
    archiverEnv(w.env, {
      ARCHIVE_SPEC: w.specFile,
      COLD_DATABASE: w.database,
      COLD_AFTER: `${o.coldAfterMs}ms`,
      ARCHIVER_GROUP_ID: o.group,
      LOG_LEVEL: 'warn',
    }),
    20 * 60_000,
  );
  const seconds = Math.round((performance.now() - began) / 100) / 10;
  let report: { violationCount?: number; checked?: unknown } = {};
  try {
    report = JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as typeof report;
  } catch {
    report = {};
  }
  const check: Omit<WorkloadCheck, 'ok'> = {
    workload: w.name,
    expectedTickets,
    // Cold when the workload's last backfill started (a ticket turning cold since is the archiver's, not a miss).
    coldLeftHot: await coldLeft(
      w.owner,
      w.spec,
      o.coldAfterMs + Date.now() - Math.max(...mine.map((r) => r.startedAt)),
    ),
    ledgerArchived: Number(rows[0]?.n),
    coldDocuments: docs.length,
    coldArchived: archives.length,
    expectedPartRows,
    coldPartRows,
    partRowsLeftHot: await orphans(w.owner, w.spec),
    verify: {
      sample: o.verifySample,
      exitCode: res.code,
      violations: report.violationCount ?? null,
      seconds,
      checked: report.checked ?? res.stderr.slice(-500),
    },
  };
  const ok =
    check.coldLeftHot === 0 &&
    check.ledgerArchived === expectedTickets &&
    check.coldDocuments === expectedTickets &&
    check.coldArchived === expectedTickets &&
    check.coldPartRows === expectedPartRows &&
    Object.values(check.partRowsLeftHot).every((n) => n === 0) &&
    check.verify.exitCode === 0 &&
    check.verify.violations === 0;
  return { ...check, ok };
}
