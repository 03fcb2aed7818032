// The shape of `ticket-archiver status --json`, and the pure decisions over it: rates and ETA, the problems that make
// the system degraded, and the exit code (0 healthy, 1 degraded, 2 a store unreachable).
import { etaRange, type EtaInput } from './eta.ts';

export interface PartHealth {
  part: 'postgres' | 'replication slot' | 'kafka' | 'connector' | 'cold store';
  ok: boolean;
  detail: string;
  /** The part could not be reached at all (a store: exit 2). */
  unreachable?: boolean;
}

export interface StatusReport {
  at: string;
  settings: { coldAfterMs: number; group: string; topic: string };
  health: PartHealth[];
  group?: {
    state: string;
    members: Array<{ clientId: string; host: string; partitions: number[] }>;
    lag: { byPartition: Record<string, number>; total: number };
  };
  backlog?: {
    coldStillHot: number;
    /** Extrapolated from the candidates a count with a ceiling tested, not counted (without --count). */
    estimate: boolean;
    /** When the oldest ticket cold but still hot became cold. */
    oldestOverdueSince: string | null;
    timersDue: { nextHour: number; nextDay: number };
    stuck: { transient: number; permanent: number; escalated: number };
    deadLetters: number | null;
  };
  lastPass?: { ok: boolean; endedAt: string; counts: Record<string, number>; errors: string[] } | null;
  lastOkPass?: { endedAt: string } | null;
  rates?: { perSecond1m: number; perSecond5m: number; perSecond15m: number; basis: string };
  /** The time to an empty backlog as a range (eta.ts); seconds is its midpoint (what one number said before), all
   * null with the reason in basis while there is no estimate. */
  eta?: { seconds: number | null; low: number | null; high: number | null; basis: string };
  problems: string[];
  exitCode: 0 | 1 | 2;
}

/** Moves per second over 1, 5 and 15 minutes from the counts of the ledger: over the part of each window that had
 * moves in it (at least 10 s), so a backfill that began 2 minutes ago is not read as 2 minutes of work in 5. */
export function ratesOf(counts: {
  m1: number;
  m5: number;
  m15: number;
  spans: { m1: number; m5: number; m15: number };
}): NonNullable<StatusReport['rates']> {
  const r = (n: number, minutes: number, span: number) =>
    n === 0 ? 0 : Math.round((n / Math.min(minutes * 60, Math.max(10, span))) * 100) / 100;
  return {
    perSecond1m: r(counts.m1, 1, counts.spans.m1),
    perSecond5m: r(counts.m5, 5, counts.spans.m5),
    perSecond15m: r(counts.m15, 15, counts.spans.m15),
    basis:
      'tickets deleted by every mover of the group (the hot ledger), over the last 1, 5 and 15 minutes or the part of them with moves',
  };
}

/** The ETA's range (eta.ts) as the report shows it: seconds, its midpoint, kept for readers of one number. */
export function etaOf(input: EtaInput): NonNullable<StatusReport['eta']> {
  const r = etaRange(input);
  const seconds = r.low === null ? null : Math.round((r.low + r.high) / 2);
  return { seconds, low: r.low, high: r.high, basis: r.basis };
}

/** What makes the system degraded, each named; and the exit code. */
export function judge(
  r: Omit<StatusReport, 'problems' | 'exitCode'>,
  maxPassAgeMs: number,
  now: number,
): { problems: string[]; exitCode: 0 | 1 | 2 } {
  const problems = r.health.filter((h) => !h.ok).map((h) => `${h.part}: ${h.detail}`);
  if (r.group && r.group.members.length === 0 && r.group.lag.total > 0)
    problems.push(`archiver: no member in group ${r.settings.group} while ${r.group.lag.total} messages wait`);
  if (r.backlog && r.backlog.stuck.escalated > 0)
    problems.push(
      `stuck deletions: ${r.backlog.stuck.escalated} escalated to an operator (ticket-archiver stuck --escalated)`,
    );
  if (r.lastPass && !r.lastPass.ok) problems.push(`reconciler: the last pass failed: ${r.lastPass.errors.join('; ')}`);
  if (r.lastPass && (!r.lastOkPass || now - Date.parse(r.lastOkPass.endedAt) > maxPassAgeMs)) {
    problems.push(`reconciler: no successful pass in the last ${Math.round(maxPassAgeMs / 60_000)} minutes`);
  }
  const unreachable = r.health.some((h) => h.unreachable && h.part !== 'connector');
  return { problems, exitCode: unreachable ? 2 : problems.length > 0 ? 1 : 0 };
}
