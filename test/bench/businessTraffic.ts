// What a contender cost business code, from the alternated windows (trafficWindows.ts): the agents' updates (commits)
// and reads, quiet and during, and the ratio of each pair of neighbouring windows, reported with its spread rather
// than against one chosen quiet denominator. Also the hot WAL a moved ticket cost, business WAL subtracted.
import type { LoadWindow } from './businessLoad.ts';
import { distribution, spread, type Distribution, type Spread } from './stats.ts';
import { walBetween, type AlternatedWindows, type RoleWal, type WalCounters } from './trafficWindows.ts';

export interface TrafficPhase {
  /** Latency of the business updates, ms. */
  latency: Distribution;
  errors: number;
}

export interface BusinessTraffic {
  quietTraffic: TrafficPhase[];
  backfillTraffic: TrafficPhase;
  /** Raw update latencies (ms), quiet and during, for the distribution chart. */
  latencySamples: { quiet: number[]; backfill: number[] };
  /** The agents' page reads, quiet and during. */
  reads: { quiet: Distribution; during: Distribution };
  /** Each during window's update p99 over the p99 of the quiet window that followed it (the movers paused). */
  p99Ratios: Spread | null;
  windowSeconds: number;
  pausedSeconds: number;
}

const phase = (w: LoadWindow): TrafficPhase => ({ latency: distribution(w.latencies.update), errors: w.failed });
const all = (ws: LoadWindow[], k: 'update' | 'read') => ws.flatMap((w) => w.latencies[k]);

export function businessTraffic(before: LoadWindow[], alt: AlternatedWindows, windowSeconds: number): BusinessTraffic {
  const quiet = [...before, ...alt.quiet];
  const ratios = alt.during.flatMap((d, i) => {
    const q = alt.quiet[i];
    return q ? [distribution(d.latencies.update).p99 / distribution(q.latencies.update).p99] : [];
  });
  return {
    quietTraffic: quiet.map(phase),
    backfillTraffic: {
      latency: distribution(all(alt.during, 'update')),
      errors: alt.during.reduce((n, w) => n + w.failed, 0),
    },
    latencySamples: { quiet: all(quiet, 'update'), backfill: all(alt.during, 'update') },
    reads: { quiet: distribution(all(quiet, 'read')), during: distribution(all(alt.during, 'read')) },
    p99Ratios: ratios.length > 0 ? spread(ratios) : null,
    windowSeconds,
    pausedSeconds: alt.pausedSeconds,
  };
}

export interface WalPerTicket {
  /** WAL of the movers' own statements (pg_stat_statements by role) per moved ticket. */
  bytes: number;
  fullPageImages: number;
  records: number;
  /** The movers' statements per moved ticket (each a round trip). */
  statements: number;
  /** Every WAL fsync of the run (pg_stat_wal: all roles) per 1,000 moved tickets: each a wait for the commits behind. */
  syncsPer1000: number;
  /** What the business load wrote per second during the run. */
  businessBytesPerSecond: number;
}

/** The hot WAL a moved ticket cost, from the movers' roles' statements; fsyncs from the whole server. */
export function walPerTicket(
  before: WalCounters,
  after: WalCounters,
  byRole: RoleWal[],
  roles: { movers: string[]; business: string },
  seconds: number,
  moved: number,
): WalPerTicket {
  const movers = byRole.filter((r) => roles.movers.includes(r.role));
  const sum = (k: keyof Omit<RoleWal, 'role'>) => movers.reduce((n, r) => n + r[k], 0) / Math.max(1, moved);
  const business = byRole.find((r) => r.role === roles.business)?.bytes ?? 0;
  return {
    bytes: Math.round(sum('bytes')),
    fullPageImages: Math.round(sum('fullPageImages') * 1000) / 1000,
    records: Math.round(sum('records') * 100) / 100,
    statements: Math.round(sum('calls') * 100) / 100,
    syncsPer1000: Math.round((walBetween(before, after).syncs * 1000 * 10) / Math.max(1, moved)) / 10,
    businessBytesPerSecond: Math.round(business / Math.max(1, seconds)),
  };
}
