// The hot database's health as business code sees it, for the throttle (core/throttle.ts): the latency of a primary-key
// read of tickets (median of three), the sessions waiting for locks, and the replay lag of physical replicas. On a
// connection of its own, so a busy move pool never shows up as a slow database.
import pg from 'pg';
import type { HealthSample } from '../../core/throttle.ts';

const PROBES = 3;
const MAX_ID_REFRESH_MS = 60_000;

export class HotHealth {
  private client: pg.Client | undefined;
  private maxId = 1;
  private maxIdAt = 0;

  constructor(
    private readonly databaseUrl: string,
    private readonly applicationName: string,
  ) {}

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: this.applicationName,
      connectionTimeoutMillis: 5000,
    });
    client.on('error', () => {
      if (this.client === client) this.client = undefined;
    });
    await client.connect();
    this.client = client;
    return client;
  }

  /** One reading. A database that cannot be reached reads as infinitely slow (the throttle pauses). */
  async sample(): Promise<HealthSample> {
    try {
      const c = await this.connection();
      if (Date.now() - this.maxIdAt > MAX_ID_REFRESH_MS) {
        const res = await c.query<{ max: string | null }>('SELECT max(id)::text AS max FROM public.tickets');
        this.maxId = Math.max(1, Number(res.rows[0]?.max ?? 1));
        this.maxIdAt = Date.now();
      }
      const probes: number[] = [];
      for (let i = 0; i < PROBES; i++) {
        const began = performance.now();
        await c.query('SELECT id, version FROM public.tickets WHERE id = $1', [
          1 + Math.floor(Math.random() * this.maxId),
        ]);
        probes.push(performance.now() - began);
      }
      probes.sort((a, b) => a - b);
      const res = await c.query<{ lock_waits: string; replica_lag_ms: string }>(
        `SELECT (SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database())::text AS lock_waits,
                (SELECT coalesce(max(extract(epoch FROM r.replay_lag)) * 1000, 0) FROM pg_stat_replication r
                  WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots s WHERE s.active_pid = r.pid AND s.slot_type = 'logical'))::text AS replica_lag_ms`,
      );
      return {
        probeMs: probes[Math.floor(PROBES / 2)] ?? 0,
        lockWaits: Number(res.rows[0]?.lock_waits ?? 0),
        replicaLagMs: Number(res.rows[0]?.replica_lag_ms ?? 0),
      };
    } catch {
      const dead = this.client;
      this.client = undefined;
      await dead?.end().catch(() => undefined);
      return { probeMs: Number.POSITIVE_INFINITY, lockWaits: 0, replicaLagMs: 0 };
    }
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
