// The aggregates part's arithmetic (aggregatesStage.ts): the order of the workloads in each round, what a statement
// is called in the round-trip counts, and each workload's figures summed over its rounds. Pure.
import { round, spread, type Spread } from './stats.ts';

export type WorkloadName = 'parts' | 'roots' | 'single';

/** Calls of one kind of statement (PostgreSQL) or one cold-store method, and the time they were waited on. */
export interface Trips {
  calls: number;
  ms: number;
}

/** One call as aggregateTrips.ts records it: its label, when it began (ms since the epoch) and ms until it settled. */
export type TripCall = [label: string, at: number, ms: number];

/** The calls from `fromMs` on, by label (the moves), and how many came before (the program's start). */
export function tripsSince(calls: TripCall[], fromMs: number): { trips: Record<string, Trips>; before: number } {
  const trips: Record<string, Trips> = {};
  let before = 0;
  for (const [label, at, ms] of calls) {
    if (at < fromMs) {
      before++;
      continue;
    }
    const t = (trips[label] ??= { calls: 0, ms: 0 });
    t.calls++;
    t.ms += ms;
  }
  for (const t of Object.values(trips)) t.ms = round(t.ms, 1);
  return { trips, before };
}

/** What one backfill of one workload in one round did and cost. */
export interface BackfillMeasure {
  workload: WorkloadName;
  round: number;
  /** When the backfill started, ms since the epoch. */
  startedAt: number;
  /** The tickets cold by the rule before the backfill, their part rows and their text (octet_length(p::text)). */
  expected: {
    tickets: number;
    partRows: number;
    textBytes: number;
    byPart: Record<string, { rows: number; bytes: number }>;
  };
  /** Tickets the ledger recorded as archived during the backfill. */
  moved: number;
  /** From the backfill's plan (its log line) to the commit of its last move. */
  seconds: number;
  /** From the process's start to its exit. */
  wallSeconds: number;
  wal: { bytes: number; records: number; fpi: number };
  /** VACUUM (ANALYZE) of the database after the backfill (autovacuum is off on the benchmark's tables). */
  vacuum: { seconds: number; walBytes: number };
  /** dbStats of the workload's cold database, after minus before. */
  coldGrowth: { dataBytes: number; storageBytes: number };
  mover: { cpuSeconds: number; peakRssMB: number };
  cpuByComponent: Record<string, number>;
  /** The backfill process's statements and cold-store calls by kind from its plan on (aggregateTrips.ts), and how many
   * it made before (its start: connections, checks of the spec's fit, the cold store's indexes). */
  trips: Record<string, Trips>;
  tripsAtStart: number;
  outcomes: Record<string, number>;
  exitCode: number | null;
}

/** Round `r` (0-based) runs the workloads rotated by r places, so no workload always runs first or last. */
export function rotation<T>(items: readonly T[], r: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const k = ((r % n) + n) % n;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** The first `FROM <name>` outside parentheses (a function's name stops at its parenthesis). */
function topLevelFrom(s: string): string | undefined {
  let depth = 0;
  const upper = s.toUpperCase();
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && upper.startsWith(' FROM ', i)) return /^[\w.]+/.exec(s.slice(i + 6))?.[0];
  }
  return undefined;
}

/**
 * A short name for a SQL statement, for counting round trips by kind: the verb and its table (`SELECT zammad.stores
 * (rows)` reads whole rows, `(shape)` is a `LIMIT 0` description, a function's name for `SELECT ... FROM f(...)`).
 */
export function queryLabel(sql: string): string {
  const s = sql.replaceAll('"', '').replace(/\s+/g, ' ').trim();
  const verb = (/^\w+/.exec(s)?.[0] ?? '?').toUpperCase();
  const after = (re: RegExp) => re.exec(s)?.[1] ?? '?';
  switch (verb) {
    case 'SET':
      return `SET ${after(/^SET (?:LOCAL |SESSION )?(\w+)/i)}`;
    case 'LOCK':
      return `LOCK ${after(/^LOCK (?:TABLE )?([\w.]+)/i)}`;
    case 'INSERT':
      return `INSERT ${after(/ INTO ([\w.]+)/i)}`;
    case 'UPDATE':
      return `UPDATE ${after(/^UPDATE ([\w.]+)/i)}`;
    case 'DELETE':
      return `DELETE ${after(/ FROM ([\w.]+)/i)}`;
    case 'WITH': {
      const inner = /\( ?(DELETE FROM|INSERT INTO|UPDATE) ([\w.]+)/i.exec(s);
      return inner
        ? `${(inner[1] ?? '').split(' ')[0]?.toUpperCase()} ${inner[2]} (WITH)`
        : `WITH ${topLevelFrom(s) ?? '?'}`;
    }
    case 'SELECT': {
      const from = topLevelFrom(s) ?? '(no table)';
      const kind = / LIMIT 0$/i.test(s) ? ' (shape)' : /^SELECT \w+\.\*/i.test(s) ? ' (rows)' : '';
      return `SELECT ${from}${kind}`;
    }
    default:
      return verb;
  }
}

export interface TripsPerBatch {
  label: string;
  perBatch: number;
  msPerBatch: number;
}

/** The round trips of every kind per batch (a batch reads its roots once: `batchLabel`), most frequent first. */
export function tripsPerBatch(
  trips: Record<string, Trips>,
  batchLabel: string,
): { batches: number; kinds: TripsPerBatch[] } {
  const batches = trips[batchLabel]?.calls ?? 0;
  if (batches === 0) return { batches, kinds: [] };
  const kinds = Object.entries(trips)
    .map(([label, t]) => ({ label, perBatch: round(t.calls / batches, 2), msPerBatch: round(t.ms / batches, 1) }))
    .sort((a, b) => b.perBatch - a.perBatch || b.msPerBatch - a.msPerBatch || a.label.localeCompare(b.label));
  return { batches, kinds };
}

/** Adds `b`'s counts into `a`. */
export function addTrips(a: Record<string, Trips>, b: Record<string, Trips>): Record<string, Trips> {
  const out: Record<string, Trips> = { ...a };
  for (const [label, t] of Object.entries(b)) {
    const was = out[label] ?? { calls: 0, ms: 0 };
    out[label] = { calls: was.calls + t.calls, ms: was.ms + t.ms };
  }
  return out;
}

export interface WorkloadSummary {
  workload: WorkloadName;
  rounds: number;
  moved: number;
  expected: number;
  seconds: number;
  ticketsPerSecond: number;
  partRowsPerSecond: number;
  /** MB (10^6 bytes) of PostgreSQL text (octet_length(p::text) of root and part rows) moved per second. */
  textMBPerSecond: number;
  walBytesPerTicket: number;
  walRecordsPerTicket: number;
  /** Full-page images per ticket (each up to a page, 8 KiB: the first change of a page after a checkpoint). */
  walFpiPerTicket: number;
  /** Share of the WAL records that were full-page images. */
  walFpiShare: number;
  vacuumWalBytesPerTicket: number;
  coldDataBytesPerTicket: number;
  coldStorageBytesPerTicket: number;
  wallSeconds: number;
  moverCpuSeconds: number;
  moverCpuMsPerTicket: number;
  moverPeakRssMB: number;
  cpuByComponent: Record<string, number>;
  /** Tickets per second of each round, in round order. */
  perRound: number[];
}

/** One workload's backfills summed: rates over the summed seconds of its rounds. */
export function summarize(runs: BackfillMeasure[]): WorkloadSummary {
  const first = runs[0];
  if (!first) throw new Error('no backfill to summarize');
  const sum = (f: (r: BackfillMeasure) => number) => runs.reduce((s, r) => s + f(r), 0);
  // Rows and text of the tickets moved: the expected set's, scaled when a backfill moved fewer than expected.
  const share = (r: BackfillMeasure) => (r.expected.tickets > 0 ? r.moved / r.expected.tickets : 0);
  const moved = sum((r) => r.moved);
  const seconds = sum((r) => r.seconds);
  const per = (x: number) => (moved > 0 ? round(x / moved, 1) : Number.NaN);
  const cpu: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.cpuByComponent)) cpu[k] = (cpu[k] ?? 0) + v;
  const moverCpu = sum((r) => r.mover.cpuSeconds);
  return {
    workload: first.workload,
    rounds: runs.length,
    moved,
    expected: sum((r) => r.expected.tickets),
    seconds: round(seconds, 2),
    ticketsPerSecond: round(moved / seconds, 1),
    partRowsPerSecond: round(sum((r) => r.expected.partRows * share(r)) / seconds, 0),
    textMBPerSecond: round(sum((r) => r.expected.textBytes * share(r)) / 1e6 / seconds, 2),
    walBytesPerTicket: per(sum((r) => r.wal.bytes)),
    walRecordsPerTicket: per(sum((r) => r.wal.records)),
    walFpiPerTicket: moved > 0 ? round(sum((r) => r.wal.fpi) / moved, 2) : Number.NaN,
    walFpiShare: round(
      sum((r) => r.wal.fpi) /
        Math.max(
          1,
          sum((r) => r.wal.records),
        ),
      3,
    ),
    vacuumWalBytesPerTicket: per(sum((r) => r.vacuum.walBytes)),
    coldDataBytesPerTicket: per(sum((r) => r.coldGrowth.dataBytes)),
    coldStorageBytesPerTicket: per(sum((r) => r.coldGrowth.storageBytes)),
    wallSeconds: round(
      sum((r) => r.wallSeconds),
      1,
    ),
    moverCpuSeconds: round(moverCpu, 1),
    moverCpuMsPerTicket: moved > 0 ? round((moverCpu * 1000) / moved, 2) : Number.NaN,
    moverPeakRssMB: Math.max(...runs.map((r) => r.mover.peakRssMB)),
    cpuByComponent: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round(v, 1)])),
    perRound: runs.map((r) => round(r.moved / r.seconds, 1)),
  };
}

/** Workload `a`'s tickets per second over `b`'s, round by round (rounds where both ran), with their spread. */
export function roundRatios(runs: BackfillMeasure[], a: WorkloadName, b: WorkloadName): Spread | null {
  const rate = (w: WorkloadName, r: number) => {
    const m = runs.find((x) => x.workload === w && x.round === r);
    return m && m.seconds > 0 ? m.moved / m.seconds : undefined;
  };
  const ratios = [...new Set(runs.map((r) => r.round))].flatMap((r) => {
    const x = rate(a, r);
    const y = rate(b, r);
    return x !== undefined && y !== undefined && y > 0 ? [round(x / y, 3)] : [];
  });
  return ratios.length > 0 ? spread(ratios) : null;
}
