// Business latency with and without a contender, alternated through one run: a window of load while the movers work,
// then the movers paused (SIGSTOP), the I/O settled (CHECKPOINT, then the page cache written back), and a quiet window
// on the same table in the same state; again, until the contender is done. Each pair shares the machine's state, so
// the ratio measures the movers' cost, not writeback left over from loading or the table's growth; the spread over
// pairs is reported rather than one quiet denominator chosen.
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { BusinessLoad, LoadWindow } from './businessLoad.ts';
import { distribution } from './stats.ts';

export interface WalCounters {
  records: number;
  fullPageImages: number;
  bytes: number;
  /** WAL writes and fsyncs (pg_stat_wal.wal_write, wal_sync): a commit that waits, waits for these. */
  writes: number;
  syncs: number;
}

export interface AlternatedWindows {
  quiet: LoadWindow[];
  during: LoadWindow[];
  /** Seconds the movers were paused for quiet windows (not counted in their throughput). */
  pausedSeconds: number;
  /** Each pause, wall clock (epoch ms): a run that ended before its poll noticed is not credited the pauses after. */
  pauses: Array<{ fromMs: number; toMs: number }>;
}

/** Seconds of the pauses that fell before `endMs` (epoch ms): the quiet windows inside a run that ended then. */
export function pausedSecondsBefore(alt: AlternatedWindows, endMs: number): number {
  return alt.pauses.reduce((sum, p) => sum + Math.max(0, Math.min(p.toMs, endMs) - p.fromMs), 0) / 1000;
}

/** The hot database's WAL counters (pg_stat_wal, PostgreSQL 14+): one row, no cost that grows with a table. */
export async function walCounters(db: pg.Pool): Promise<WalCounters> {
  const { rows } = await db.query<Record<string, string>>(
    `SELECT wal_records::text AS records, wal_fpi::text AS fpi, wal_bytes::text AS bytes,
            wal_write::text AS writes, wal_sync::text AS syncs FROM pg_stat_wal`,
  );
  const r = rows[0] ?? {};
  return {
    records: Number(r.records),
    fullPageImages: Number(r.fpi),
    bytes: Number(r.bytes),
    writes: Number(r.writes),
    syncs: Number(r.syncs),
  };
}

export function walBetween(a: WalCounters, b: WalCounters): WalCounters {
  return {
    records: b.records - a.records,
    fullPageImages: b.fullPageImages - a.fullPageImages,
    bytes: b.bytes - a.bytes,
    writes: b.writes - a.writes,
    syncs: b.syncs - a.syncs,
  };
}

export interface RoleWal {
  role: string;
  bytes: number;
  fullPageImages: number;
  records: number;
  calls: number;
}

/** Starts counting WAL by role and statement from zero (pg_stat_statements, preloaded by the local stack). */
export async function resetStatementWal(admin: pg.Pool): Promise<void> {
  await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await admin.query('SELECT pg_stat_statements_reset()');
}

/** WAL written by each role's statements since the reset: the movers' own, apart from business code's. */
export async function statementWalByRole(admin: pg.Pool): Promise<RoleWal[]> {
  const { rows } = await admin.query<Record<string, string>>(
    `SELECT r.rolname AS role, sum(s.wal_bytes)::text AS bytes, sum(s.wal_fpi)::text AS fpi,
            sum(s.wal_records)::text AS records, sum(s.calls)::text AS calls
       FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid GROUP BY r.rolname`,
  );
  return rows.map((r) => ({
    role: r.role ?? '',
    bytes: Number(r.bytes),
    fullPageImages: Number(r.fpi),
    records: Number(r.records),
    calls: Number(r.calls),
  }));
}

/** Dirty buffers and dirty pages out before a quiet window, so it does not pay for the writes before it. */
export async function settleIo(db: pg.Pool): Promise<void> {
  await db.query('CHECKPOINT');
  spawnSync('sync');
  await sleep(1000);
}

export interface Pausable {
  pause(): void;
  resume(): void;
}

/** SIGSTOP/SIGCONT of processes: a mover paused keeps its connections and its place, and resumes where it was. */
export function pausable(pids: () => number[]): Pausable {
  const signal = (s: NodeJS.Signals) => {
    for (const pid of pids()) {
      try {
        process.kill(pid, s);
      } catch {
        // exited: nothing to pause
      }
    }
  };
  return { pause: () => signal('SIGSTOP'), resume: () => signal('SIGCONT') };
}

/** Quiet windows with nothing else running (before a contender starts): settled, then measured, `repeats` times. */
export async function quietOnly(load: BusinessLoad, db: pg.Pool, seconds: number, repeats: number) {
  const quiet: LoadWindow[] = [];
  for (let i = 0; i < repeats; i++) {
    await settleIo(db);
    quiet.push(await load.window(seconds));
  }
  return { quiet };
}

/**
 * Alternates a window under the contender with a quiet one (the contender paused) until `done()`, for at most `pairs`
 * pairs; then the load goes on in windows under the contender alone (their latencies count as during, without a
 * ratio), so that the rest of the run moves as it would in production, never stopped. A window under the contender
 * that ended after it was done is dropped (part of it was quiet).
 */
export async function alternate(
  load: BusinessLoad,
  db: pg.Pool,
  movers: Pausable,
  windows: { seconds: number; pairs: number },
  done: () => boolean,
  log: (m: string) => void,
): Promise<AlternatedWindows> {
  const { seconds } = windows;
  const out: AlternatedWindows = { quiet: [], during: [], pausedSeconds: 0, pauses: [] };
  while (!done()) {
    const during = await load.window(seconds);
    if (done()) break;
    out.during.push(during);
    if (out.quiet.length >= windows.pairs) continue;
    const pausedAt = performance.now();
    const fromMs = Date.now();
    movers.pause();
    try {
      await settleIo(db);
      out.quiet.push(await load.window(seconds));
    } finally {
      movers.resume();
      out.pausedSeconds += (performance.now() - pausedAt) / 1000;
      out.pauses.push({ fromMs, toMs: Date.now() });
    }
    const p99 = (w: LoadWindow) => distribution(w.latencies.update).p99.toFixed(1);
    log(
      `business update p99: during ${p99(during)} ms, quiet ${p99(out.quiet[out.quiet.length - 1] as LoadWindow)} ms`,
    );
  }
  return out;
}
