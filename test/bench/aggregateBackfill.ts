// One backfill of one workload of the aggregates part, measured: `ticket-archiver backfill` (the TypeScript under tsx,
// as the benchmark's other backfills run) as a child process on the workload's database and cold database, its round
// trips counted (aggregateTrips.ts), its CPU and memory sampled, the server's WAL and the cold database's size read
// before and after, the time taken from the backfill's plan to its last move's commit (the ledger), then a vacuum.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from 'mongodb';
import type pg from 'pg';
import { projectRoot } from '../../infra/local/settings.ts';
import type { StackEnv } from '../../infra/local/stack.ts';
import type { ArchiveSpec } from '../../services/core/spec/archiveSpec.ts';
import { LEDGER } from '../../services/edges/hotStore/tableSql.ts';
import { startArchiverProcess } from '../support/archiverProcess.ts';
import { tripsSince, type BackfillMeasure, type TripCall, type WorkloadName } from './aggregateMath.ts';
import { coldSet, vacuum, walBetween, walNow } from './aggregateSql.ts';
import { readProfile, type ProfileSummary } from './cpuProfile.ts';
import { componentCpu, cpuBetween, ProcessSampler, processCpuSeconds } from './processUsage.ts';

/** One workload: a database of its own on the benchmark's server (and a cold database of the same name). */
export interface Workload {
  name: WorkloadName;
  label: string;
  database: string;
  spec: ArchiveSpec;
  specFile: string;
  /** The stack's settings on the workload's database. */
  env: StackEnv;
  /** The database's owner (loads) and the superuser on it (vacuum, checkpoint, WAL). */
  owner: pg.Pool;
  superuser: pg.Pool;
  /** The cold database. */
  cold: Db;
  load(range: { from: number; to: number }): Promise<void>;
}

export interface BackfillContext {
  coldAfterMs: number;
  group: string;
  stackDir: string;
  log(m: string): void;
}

async function coldBytes(cold: Db): Promise<{ dataBytes: number; storageBytes: number }> {
  const s = (await cold.command({ dbStats: 1 })) as { dataSize?: number; storageSize?: number };
  return { dataBytes: Number(s.dataSize ?? 0), storageBytes: Number(s.storageSize ?? 0) };
}

/** The profile of the main thread of the newest process that wrote one into `dir` (node --cpu-prof names it
 * CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; tsx's loader thread writes one too). */
export function mainThreadProfile(dir: string): ProfileSummary | undefined {
  const main = readdirSync(dir)
    .filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f))
    .sort();
  const newest = main[main.length - 1];
  return newest ? readProfile(join(dir, newest)) : undefined;
}

/** The time of the program's JSON log line (pino) with `msg`, ms since the epoch. */
function logTime(lines: string[], msg: string): number | undefined {
  for (const line of lines) {
    if (!line.includes(`"${msg}"`)) continue;
    try {
      // pino's time: ISO-8601 here (services/runtime/logger.ts), epoch milliseconds by default.
      const parsed = JSON.parse(line) as { msg?: string; time?: number | string };
      const at = typeof parsed.time === 'string' ? Date.parse(parsed.time) : parsed.time;
      if (parsed.msg === msg && at !== undefined && Number.isFinite(at)) return at;
    } catch {
      // not JSON
    }
  }
  return undefined;
}

/** The summary `backfill --json` prints on stdout. */
function summaryOf(lines: string[]): { complete?: boolean; outcomes?: Record<string, number> } {
  for (const line of [...lines].reverse()) {
    if (!line.startsWith('{') || line.includes('"msg"')) continue;
    try {
      const parsed = JSON.parse(line) as { complete?: boolean; outcomes?: Record<string, number> };
      if (parsed.outcomes) return parsed;
    } catch {
      // not JSON
    }
  }
  return {};
}

/** Runs the workload's backfill once (round `round`) and measures it; `nodeOptions` go to its node (--cpu-prof). */
export async function measureBackfill(
  w: Workload,
  round: number,
  c: BackfillContext,
  nodeOptions: string[] = [],
): Promise<BackfillMeasure> {
  const expected = await coldSet(w.owner, w.spec, c.coldAfterMs);
  // Every workload starts right after a checkpoint: the full-page images its first writes cost are its own.
  await w.superuser.query('CHECKPOINT');
  const wal0 = await walNow(w.superuser);
  const cold0 = await coldBytes(w.cold);
  const tripsFile = join(mkdtempSync(join(tmpdir(), 'bench-trips-')), 'trips.json');
  const startedAt = new Date();
  const began = performance.now();
  const proc = startArchiverProcess(
    w.env,
    {
      ARCHIVE_SPEC: w.specFile,
      COLD_DATABASE: w.database,
      COLD_AFTER: `${c.coldAfterMs}ms`,
      ARCHIVER_GROUP_ID: c.group,
      INSTANCE_NAME: `bench-aggregates-${w.name}`,
      LOG_LEVEL: 'info',
      BACKFILL_WORKERS: process.env.BACKFILL_WORKERS ?? '2',
      THROTTLE: 'false',
      BENCH_ROUND_TRIPS_FILE: tripsFile,
    },
    [...nodeOptions, '--import', 'tsx', '--import', join(projectRoot, 'test', 'bench', 'aggregateTrips.ts')],
    ['backfill', '--name', `bench-aggregates-${w.name}-${round}`, '--json'],
  );
  const pid = proc.proc.pid as number;
  const cpu0 = componentCpu(c.stackDir, new Map(), true);
  const sampler = new ProcessSampler(pid).start(250);
  // The mover's CPU from its plan on (tsx's start and the program's connections before it are not the move's).
  let cpuAtPlan = 0;
  const watchPlan = (async () => {
    while (proc.proc.exitCode === null && logTime(proc.lines, 'backfill planned') === undefined) await sleep(50);
    cpuAtPlan = processCpuSeconds(pid);
  })().catch(() => undefined);
  const exitCode = await proc.exited;
  const wallSeconds = (performance.now() - began) / 1000;
  await watchPlan;
  const usage = sampler.stop();
  await sleep(300); // the last lines of its output
  const cpuByComponent = cpuBetween(cpu0, componentCpu(c.stackDir, new Map(), true));
  const summary = summaryOf(proc.lines);
  if (exitCode !== 0 || summary.complete !== true)
    throw new Error(`backfill of ${w.name} exited ${exitCode}:\n${proc.lines.slice(-20).join('\n')}`);
  const { rows } = await w.owner.query<{ n: string; last: string | null }>(
    `SELECT count(*)::text AS n, (extract(epoch FROM max(at)) * 1000)::bigint::text AS last
       FROM ${LEDGER} WHERE state = 'archived' AND at >= $1`,
    [startedAt],
  );
  const moved = Number(rows[0]?.n);
  const planned = logTime(proc.lines, 'backfill planned') ?? startedAt.getTime();
  const seconds = (Number(rows[0]?.last ?? planned) - planned) / 1000;
  await sleep(1000); // pg_stat_wal: the backends' counters flushed
  const wal1 = await walNow(w.superuser);
  const coldGrowth = await coldBytes(w.cold);
  const cleanup = await vacuum(w.superuser, w.superuser);
  let calls: TripCall[] = [];
  try {
    calls = JSON.parse(readFileSync(tripsFile, 'utf8')) as TripCall[];
  } catch {
    c.log(`no round trips recorded by the ${w.name} backfill`);
  }
  const { trips, before: tripsAtStart } = tripsSince(calls, planned);
  const m: BackfillMeasure = {
    workload: w.name,
    round,
    startedAt: startedAt.getTime(),
    expected,
    moved,
    seconds,
    wallSeconds,
    wal: {
      bytes: await walBetween(w.superuser, wal0.lsn, wal1.lsn),
      records: wal1.records - wal0.records,
      fpi: wal1.fpi - wal0.fpi,
    },
    vacuum: cleanup,
    coldGrowth: {
      dataBytes: coldGrowth.dataBytes - cold0.dataBytes,
      storageBytes: coldGrowth.storageBytes - cold0.storageBytes,
    },
    mover: { cpuSeconds: Math.round((usage.cpuSeconds - cpuAtPlan) * 10) / 10, peakRssMB: usage.peakRssMB },
    cpuByComponent,
    trips,
    tripsAtStart,
    outcomes: summary.outcomes ?? {},
    exitCode,
  };
  c.log(
    `round ${round + 1}, ${w.label}: ${moved} of ${expected.tickets} moved in ${seconds.toFixed(1)} s (${(moved / seconds).toFixed(0)}/s), ${expected.partRows} part rows, ${(expected.textBytes / 1e6).toFixed(1)} MB of text, WAL ${(m.wal.bytes / 1e6).toFixed(1)} MB, mover CPU ${m.mover.cpuSeconds} s`,
  );
  return m;
}
