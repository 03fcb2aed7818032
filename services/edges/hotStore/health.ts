// The hot database's health as business code sees it, for the throttle (core/throttle.ts): the latency of a primary-key
// read of the archived table (median of three), of commits that wait for their WAL flush as business commits do, the
// sessions waiting for locks, and the replay lag of physical replicas. On a connection of its own, so a busy move
// pool never shows up as a slow database.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { HealthSample } from '../../core/throttle.ts';
import { integralKey } from '../../core/spec/ticketKeys.ts';
import type { TableSql } from './tableSql.ts';

const PROBES = 3;
/** A transactional logical-decoding message: it gives the transaction an xid and a WAL record, so its COMMIT writes a
 * commit record and waits for the flush (with synchronous_commit on), without any table or grant. An xid alone
 * (pg_current_xact_id()) would not do: a transaction that wrote no WAL commits without waiting for the flush. */
const COMMIT_PROBE = "BEGIN; SELECT pg_logical_emit_message(true, 'ticket-archiver-commit-probe', '')";
/** Errors that mean this database will never let us time commits this way (no such function, not allowed). */
const COMMIT_PROBE_REFUSED = new Set(['42883', '42501']);
const RANGE_REFRESH_MS = 60_000;

export class HotHealth {
  private client: pg.Client | undefined;
  private range = { min: 1, max: 1, at: 0 };
  private commitProbeFailure: string | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly applicationName: string,
    private readonly t: TableSql,
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

  /** A key lookup as business code makes it: a random whole-number key between the smallest and the largest (two
   * index probes a minute); for other key types, the first key at or after a random point of the index. */
  private async probe(c: pg.Client): Promise<void> {
    const t = this.t;
    const type = t.spec.key.type;
    if (type === 'uuid' || type === 'text') {
      const from = type === 'uuid' ? randomUUID() : Math.random().toString(16).slice(2, 10);
      await c.query(
        `SELECT ${t.key()} FROM ${t.table} t WHERE ${t.key()} >= $1::${t.keyType} ORDER BY ${t.key()} LIMIT 1`,
        [from],
      );
      return;
    }
    if (Date.now() - this.range.at > RANGE_REFRESH_MS) {
      const res = await c.query<{ min: string | null; max: string | null }>(
        `SELECT min(${t.key()})::text AS min, max(${t.key()})::text AS max FROM ${t.table} t`,
      );
      this.range = { min: Number(res.rows[0]?.min ?? 1), max: Number(res.rows[0]?.max ?? 1), at: Date.now() };
    }
    const point = this.range.min + Math.random() * (this.range.max - this.range.min);
    const key = integralKey(type) ? String(Math.round(point)) : String(point);
    await c.query(
      `SELECT ${t.key()} FROM ${t.table} t WHERE ${t.key()} >= $1::${t.keyType} ORDER BY ${t.key()} LIMIT 1`,
      [key],
    );
  }

  /** Times the COMMIT only: what the WAL flush costs a commit now. */
  private async commits(c: pg.Client, count: number): Promise<number[]> {
    const commitMs: number[] = [];
    for (let i = 0; i < count && this.commitProbeFailure === undefined; i++) {
      try {
        await c.query(COMMIT_PROBE);
      } catch (err) {
        await c.query('ROLLBACK');
        const code = (err as { code?: string }).code;
        if (!code || !COMMIT_PROBE_REFUSED.has(code)) throw err;
        this.commitProbeFailure = `${code}: ${(err as Error).message}`;
        break;
      }
      const began = performance.now();
      await c.query('COMMIT');
      commitMs.push(performance.now() - began);
    }
    return commitMs;
  }

  /** One reading, with `commitProbes` timed commits. A database that cannot be reached reads as infinitely slow (the
   * throttle pauses). */
  async sample(commitProbes: number): Promise<HealthSample> {
    try {
      const c = await this.connection();
      const probes: number[] = [];
      for (let i = 0; i < PROBES; i++) {
        const began = performance.now();
        await this.probe(c);
        probes.push(performance.now() - began);
      }
      probes.sort((a, b) => a - b);
      const commitMs = await this.commits(c, commitProbes);
      const res = await c.query<{ lock_waits: string; replica_lag_ms: string }>(
        `SELECT (SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database())::text AS lock_waits,
                (SELECT coalesce(max(extract(epoch FROM r.replay_lag)) * 1000, 0) FROM pg_stat_replication r
                  WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots s WHERE s.active_pid = r.pid AND s.slot_type = 'logical'))::text AS replica_lag_ms`,
      );
      return {
        probeMs: probes[Math.floor(PROBES / 2)] ?? 0,
        lockWaits: Number(res.rows[0]?.lock_waits ?? 0),
        replicaLagMs: Number(res.rows[0]?.replica_lag_ms ?? 0),
        commitMs,
        ...(this.commitProbeFailure === undefined ? {} : { commitProbeFailure: this.commitProbeFailure }),
      };
    } catch {
      const dead = this.client;
      this.client = undefined;
      await dead?.end().catch(() => undefined);
      return { probeMs: Number.POSITIVE_INFINITY, lockWaits: 0, replicaLagMs: 0, commitMs: [] };
    }
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
