// How a fault run ends, whatever its faults were: a canary proves the pipeline works again, the system settles, the
// reconciler makes one pass, the archivers stop, and `verify` and the suite's own checks look at every ticket created.
import type { StackEnv } from '../../infra/local/stack.ts';
import { archiverEnv } from '../support/archiverEnv.ts';
import { runCli } from '../support/runCli.ts';
import type { Stores } from '../support/stores.ts';
import type { ArchiverFleet } from './archiverFleet.ts';
import type { ConnectorSupervisor } from './connectorSupervisor.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { groupLag } from '../support/ticketsTopic.ts';
import type { FaultTable } from './faultTable.ts';
import { explainGapOrphans, type PartCheckReport } from './partChecks.ts';
import { checkTiers, tierViolationCount, type TierCheckInput, type TierCheckReport } from './tierChecks.ts';

export interface ConclusionInput {
  stores: Stores;
  env: StackEnv;
  groupId: string;
  fleet: ArchiverFleet;
  coldAfterSeconds: number;
  settleTimeoutSeconds: number;
  /** When the last fault ended: settling is timed from here. */
  faultEnded: number;
  /** The tickets to check (the canary is added). */
  checks: Omit<TierCheckInput, 'coldAfterMs'>;
  log(m: string): void;
}

export interface Conclusion {
  settleSeconds: number | null;
  pass: { ok?: boolean; counts?: Record<string, number> };
  report: { violationCount: number; violations?: Record<string, string[]> };
  tiers: TierCheckReport;
  stuck: number;
  escalated: number;
  violations: number;
  retried: number;
}

export async function conclude(c: ConclusionInput): Promise<Conclusion> {
  const coldAfterMs = c.coldAfterSeconds * 1000;
  // A canary, cold on arrival: archived only if the whole pipeline (Debezium, Kafka, archivers, cold store) works again.
  const table = c.checks.table;
  const canary = await insertCanary(table, c.stores, c.coldAfterSeconds);
  const settledAt = await settle(
    table,
    c.stores,
    c.env,
    c.groupId,
    coldAfterMs,
    c.settleTimeoutSeconds * 1000,
    canary,
    (m) => c.log(m),
  );
  const settleSeconds = settledAt === undefined ? null : Math.round((settledAt - c.faultEnded) / 100) / 10;
  c.log(settledAt === undefined ? 'did NOT settle' : `settled ${settleSeconds} s after the fault`);

  const cliEnv = archiverEnv(c.env, { ...table.settings, COLD_AFTER: `${c.coldAfterSeconds}s`, LOG_LEVEL: 'warn' });
  const reconcile = await runCli(['reconcile', '--once'], cliEnv, 600_000);
  const pass = JSON.parse(reconcile.stdout.trim().split('\n').pop() ?? '{}') as Conclusion['pass'];
  if (reconcile.code !== 0) c.log(`reconcile --once exited ${reconcile.code}: ${reconcile.stderr.slice(-2000)}`);
  await c.fleet.stopAll();

  const verify = await runCli(['verify', '--json'], cliEnv, 600_000);
  const report = JSON.parse(verify.stdout.trim().split('\n').pop() ?? '{}') as Partial<Conclusion['report']>;
  if (report.violationCount === undefined)
    throw new Error(`verify printed no report (exit ${verify.code}): ${verify.stderr}`);
  const created = c.checks.created;
  const tiers = await checkTiers(c.stores, {
    ...c.checks,
    created: (function* () {
      yield* created;
      yield canary;
    })(),
    coldAfterMs,
  });
  const stuck = await c.stores.cold.listStuck({});
  if (tiers.parts) explainGapOrphans(tiers.parts, report as Conclusion['report'], (m) => c.log(m));
  return {
    settleSeconds,
    pass,
    report: { violationCount: report.violationCount, ...(report.violations ? { violations: report.violations } : {}) },
    tiers,
    stuck: stuck.filter((s) => !s.escalated).length,
    escalated: stuck.filter((s) => s.escalated).length,
    violations: report.violationCount + tierViolationCount(tiers),
    retried:
      c.fleet.count('transient failure; retrying') +
      c.fleet.count('timer tick failed; retrying at the next tick') +
      (pass.counts?.stuckRetried ?? 0),
  };
}

/** The result fields every fault run reports the same way. */
export function conclusionFields(c: Conclusion, fleet: ArchiverFleet, connectors: ConnectorSupervisor) {
  const p = c.tiers.parts;
  return {
    moved: c.tiers.archived,
    retried: c.retried,
    stuck: c.stuck,
    escalated: c.escalated,
    violations: c.violations,
    settleSeconds: c.settleSeconds,
    archiverCrashes: fleet.crashes,
    connectorRestarts: connectors.restarts.length,
    stuckRecorded: fleet.count('deletion stuck; recorded for the reconciler'),
    moveOutcomes: fleet.outcomes(),
    ...(c.tiers.parts ? { parts: partFields(c.tiers.parts) } : {}),
    recopiedAfterSchemaChange: fleet.count('table changed shape during a move; copying again'),
    reconcilerPass: { ok: c.pass.ok ?? false, ...(c.pass.counts ?? {}) },
    violationsByCheck: {
      ...Object.fromEntries(Object.entries(c.report.violations ?? {}).map(([k, ids]) => [`verify.${k}`, ids.length])),
      lost: c.tiers.lost.length,
      notAsLoaded: c.tiers.notAsLoaded.length,
      notColdWhenDeleted: c.tiers.notColdWhenDeleted.length,
      missingAddedColumn: c.tiers.missingAddedColumn.length,
      ...(p ? Object.fromEntries(PART_VIOLATIONS.map((k) => [`part.${k}`, p[k].length])) : {}),
    },
    violatingIds: [
      ...Object.values(c.report.violations ?? {}).flat(),
      ...c.tiers.lost,
      ...c.tiers.notAsLoaded,
      ...c.tiers.notColdWhenDeleted,
      ...c.tiers.missingAddedColumn,
      ...(p ? PART_VIOLATIONS.flatMap((k) => p[k]) : []),
    ].slice(0, 20),
  };
}

const PART_VIOLATIONS = ['lost', 'leftHot', 'inBothTiers', 'notAsWritten', 'duplicated', 'unreadable'] as const;

/** The part rows checked, and the documented gap's orphans (counted, not violations). */
function partFields(p: PartCheckReport): Record<string, number> {
  return {
    expected: p.expected,
    uncertain: p.uncertain,
    hot: p.hot,
    archived: p.archived,
    chunkedArchives: p.chunkedArchives,
    unknownArchived: p.unknownArchived,
    gapOrphanRows: p.gapOrphans.length,
    gapOrphanTickets: p.gapTickets.length,
  };
}

/** Seconds past its due time after which a cold ticket still hot counts as not settled (FRESHNESS_TARGET + a poll). */
const OVERDUE_SLACK_MS = 15_000;

/** A ticket of `table`, cold on arrival: archived only when the pipeline works end to end. */
export async function insertCanary(table: FaultTable, stores: Stores, coldAfterSeconds: number): Promise<string> {
  const r = await stores.db.query<{ id: string }>(table.canarySql, [coldAfterSeconds]);
  return r.rows[0]?.id as string;
}

/**
 * Settled: a canary inserted after the fault is archived, the group has consumed everything, and no hot ticket is
 * overdue (cold for longer than the freshness slack) unless its deletion is recorded as stuck (the reconciler's job).
 * Returns when, or undefined on timeout (then logs which of the three it was still waiting for).
 */
export async function settle(
  table: FaultTable,
  stores: Stores,
  env: StackEnv,
  groupId: string,
  coldAfterMs: number,
  timeoutMs: number,
  canary: string,
  log: (m: string) => void = () => undefined,
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const canaryArchived = await stores.db
      .query(`SELECT 1 FROM ticket_archiver.ledger WHERE ticket_key = $1 AND state = 'archived'`, [canary])
      .then((r) => r.rowCount === 1)
      .catch(() => false);
    const lag = canaryArchived ? await groupLag(env, groupId).catch(() => -1) : -1;
    const late = lag === 0 ? await overdue(table, stores, coldAfterMs) : undefined;
    if (late?.count === 0) return Date.now();
    if (Date.now() > deadline) {
      log(
        `not settled: canary ${canary} ${canaryArchived ? 'archived' : 'not archived'}, group lag ${lag}, overdue ${late ? `${late.count} (${late.some.join(', ')})` : 'not read'}`,
      );
      return undefined;
    }
    await sleep(1000);
  }
}

/** Waits until no hot ticket (in `range`, if given) is overdue, except stuck deletions. Returns when, or undefined. */
export async function waitUntilNoneOverdue(
  table: FaultTable,
  stores: Stores,
  coldAfterMs: number,
  timeoutMs: number,
  range?: [bigint, bigint],
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await overdue(table, stores, coldAfterMs, range))?.count === 0) return Date.now();
    if (Date.now() >= deadline) return undefined;
    await sleep(1000);
  }
}

/** Hot tickets of `table` (in `range`, if given) overdue, except stuck deletions: how many, and the first few;
 * undefined when a store cannot be read (a component is down). */
async function overdue(
  table: FaultTable,
  stores: Stores,
  coldAfterMs: number,
  range?: [bigint, bigint],
): Promise<{ count: number; some: string[] } | undefined> {
  const stuckIds = (await stores.cold.listStuck({}).catch(() => undefined))?.map((s) => s._id.toString());
  if (!stuckIds) return undefined;
  const r = await stores.db
    .query<{ n: string; some: string[] | null }>(
      `SELECT count(*)::text AS n, (array_agg(${table.key}::text ORDER BY ${table.key}))[1:5] AS some
         FROM ${table.sql}
        WHERE ${table.overdueSql} AND NOT (${table.key} = ANY($2::${table.keyArray}))
          AND ${table.key} BETWEEN $3::bigint AND $4::bigint`,
      [
        coldAfterMs + OVERDUE_SLACK_MS,
        stuckIds,
        (range?.[0] ?? 0n).toString(),
        (range?.[1] ?? 2n ** 63n - 1n).toString(),
      ],
    )
    .catch(() => undefined);
  const row = r?.rows[0];
  return row ? { count: Number(row.n), some: row.some ?? [] } : undefined;
}
