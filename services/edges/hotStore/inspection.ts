// What operators ask of the hot database (`status`, `plan`), read-only, each answer from an index where there is one:
// the replication slot and the WAL it keeps, the backlog of tickets cold but still hot, the moves of the last minutes
// (from the ledger), and how the cold tickets spread over time. Every query is a plain SELECT (ACCESS SHARE locks).
import type pg from 'pg';
import { coldNow, notHeld } from './coldRule.ts';
import { guarded } from './pool.ts';

// Held hot after a restore: not part of the backlog (few, an anti-join with the ledger's restored entries).
const BACKLOG = `FROM public.tickets t WHERE ${coldNow('t', '$1')} AND ${notHeld('t')}`;

export interface SlotState {
  name: string;
  active: boolean;
  /** WAL the slot keeps from being recycled, in bytes. */
  walRetainedBytes: number;
}

export interface QueryCost {
  name: string;
  /** The plan's top node and the index it reads, e.g. "Index Only Scan using tickets_closed_idx". */
  plan: string;
  estimatedRows: number;
  ms: number;
}

/** The top node of an EXPLAIN (FORMAT JSON) plan and the first index found under it. */
function describePlan(plan: Record<string, unknown>): string {
  const nodes: Array<Record<string, unknown>> = [];
  const walk = (n: Record<string, unknown>) => {
    nodes.push(n);
    for (const child of (n.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
  };
  walk(plan);
  const scan =
    nodes.find((n) => typeof n['Index Name'] === 'string') ??
    nodes.find((n) => String(n['Node Type']).includes('Scan'));
  const top = String(plan['Node Type']);
  if (!scan) return top;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const scanText = `${text(scan['Node Type'])}${scan['Index Name'] ? ` using ${text(scan['Index Name'])}` : ''}${scan['Relation Name'] ? ` on ${text(scan['Relation Name'])}` : ''}`;
  return scan === plan ? scanText : `${top} over ${scanText}`;
}

export class HotInspection {
  constructor(private readonly pool: pg.Pool) {}

  slot(name: string): Promise<SlotState | undefined> {
    return guarded('reading the replication slot', async () => {
      const res = await this.pool.query<{ active: boolean; retained: string | null }>(
        `SELECT active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint::text AS retained FROM pg_replication_slots WHERE slot_name = $1`,
        [name],
      );
      const row = res.rows[0];
      return row ? { name, active: row.active, walRetainedBytes: Number(row.retained ?? 0) } : undefined;
    });
  }

  /** Runs `sql`, timed, and describes how PostgreSQL answers it (the plan is read first, without running it). */
  /** The plan of a query without running it. The pool may hand json back as text (the movers' pools read every value
   * as text), so both forms are accepted. */
  private async explain(sql: string, params: unknown[]): Promise<Record<string, unknown>> {
    const res = await this.pool.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    const raw = res.rows[0]?.['QUERY PLAN'];
    const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as
      Array<{ Plan?: Record<string, unknown> }> | undefined;
    return parsed?.[0]?.Plan ?? {};
  }

  async costed<T extends pg.QueryResultRow>(
    name: string,
    sql: string,
    params: unknown[],
  ): Promise<{ rows: T[]; cost: QueryCost }> {
    return guarded(`running ${name}`, async () => {
      const plan = await this.explain(sql, params);
      const began = performance.now();
      const res = await this.pool.query<T>(sql, params);
      return {
        rows: res.rows,
        cost: {
          name,
          plan: describePlan(plan),
          estimatedRows: Number(plan['Plan Rows'] ?? 0),
          ms: Math.round((performance.now() - began) * 10) / 10,
        },
      };
    });
  }

  /** Tickets cold by the rule but still hot (and not held after a restore): counted through the partial index on closed
   * tickets, or the planner's estimate (no rows read) when `estimate`; and the oldest of them. */
  async backlog(
    coldAfterMs: number,
    estimate: boolean,
  ): Promise<{ count: number; estimate: boolean; oldestLastOperatedAt: string | null; cost: QueryCost }> {
    const counted = estimate
      ? await guarded('estimating the backlog', async () => {
          const began = performance.now();
          const plan = await this.explain(`SELECT 1 ${BACKLOG}`, [coldAfterMs]);
          const rows = Number(plan['Plan Rows'] ?? 0);
          return {
            rows: [{ n: String(rows) }],
            cost: {
              name: 'backlog (estimate)',
              plan: describePlan(plan),
              estimatedRows: rows,
              ms: Math.round((performance.now() - began) * 10) / 10,
            },
          };
        })
      : await this.costed<{ n: string }>('backlog', `SELECT count(*)::text AS n ${BACKLOG}`, [coldAfterMs]);
    const oldest = await guarded('reading the oldest cold ticket', () =>
      this.pool.query<{ at: string | null }>(
        `SELECT t.last_operated_at AS at ${BACKLOG} ORDER BY t.last_operated_at, t.id LIMIT 1`,
        [coldAfterMs],
      ),
    );
    return {
      count: Number(counted.rows[0]?.n ?? 0),
      estimate,
      oldestLastOperatedAt: oldest.rows[0]?.at ?? null,
      cost: counted.cost,
    };
  }

  /** A ticket's ledger entry as it stands (the last delete by a mover, or the last restore), if it has one. */
  ledgerOf(
    id: string,
  ): Promise<{ version: string; state: string; at: string; holdUntil: string | null; mover: string } | undefined> {
    return guarded(`reading the ledger of ticket ${id}`, async () => {
      const res = await this.pool.query<{
        version: string;
        state: string;
        at: string;
        hold_until: string | null;
        mover: string;
      }>('SELECT version, state, at, hold_until, mover FROM public.ticket_archiver_ledger WHERE ticket_id = $1', [id]);
      const r = res.rows[0];
      return r ? { version: r.version, state: r.state, at: r.at, holdUntil: r.hold_until, mover: r.mover } : undefined;
    });
  }

  /** Tickets a mover deleted in the last 1, 5 and 15 minutes (the ledger: every mover of the group, durable), and
   * how many seconds of each window had moves in it (a backfill that started 2 minutes ago has 2 minutes of rate). */
  moveCounts(): Promise<MoveCounts> {
    return guarded('counting recent moves', async () => {
      const res = await this.pool.query<{
        m1: string;
        m5: string;
        m15: string;
        s1: number | null;
        s5: number | null;
        s15: number | null;
      }>(
        `SELECT count(*) FILTER (WHERE at > now() - interval '1 minute')::text AS m1,
                count(*) FILTER (WHERE at > now() - interval '5 minutes')::text AS m5,
                count(*)::text AS m15,
                extract(epoch FROM now() - min(at) FILTER (WHERE at > now() - interval '1 minute'))::float8 AS s1,
                extract(epoch FROM now() - min(at) FILTER (WHERE at > now() - interval '5 minutes'))::float8 AS s5,
                extract(epoch FROM now() - min(at))::float8 AS s15
           FROM public.ticket_archiver_ledger WHERE state = 'archived' AND at > now() - interval '15 minutes'`,
      );
      const r = res.rows[0];
      return {
        m1: Number(r?.m1 ?? 0),
        m5: Number(r?.m5 ?? 0),
        m15: Number(r?.m15 ?? 0),
        spans: { m1: r?.s1 ?? 0, m5: r?.s5 ?? 0, m15: r?.s15 ?? 0 },
      };
    });
  }
}

export interface MoveCounts {
  m1: number;
  m5: number;
  m15: number;
  /** Seconds from the first move in each window to now. */
  spans: { m1: number; m5: number; m15: number };
}
