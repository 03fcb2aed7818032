// What operators ask of the hot database (`status`, `plan`, `audit`), read-only and bounded whatever the table's
// size: the replication slot and the WAL it keeps, the backlog of tickets cold but still hot (a count with a ceiling,
// candidateCounts.ts, unless an operator asks for a full count), the oldest of them (among the oldest candidates
// only), the tickets each foreign key holds back (likewise), a ticket's ledger entry, and the moves of the last
// minutes (the ledger).
import type pg from 'pg';
import { displayName } from '../../core/spec/identifiers.ts';
import { guarded } from './pool.ts';
import { countCandidates } from './candidateCounts.ts';
import { SAMPLE_PAGES } from './candidateSample.ts';
import { QueryCosts, type QueryCost } from './queryCosts.ts';
import { LEDGER, type TableSql } from './tableSql.ts';

export type { QueryCost } from './queryCosts.ts';

/** How many of the oldest candidates the search for the oldest cold ticket looks at. */
const OLDEST_AMONG = 1000;

export interface SlotState {
  name: string;
  active: boolean;
  /** WAL the slot keeps from being recycled, in bytes (0 once lost: it keeps nothing). */
  walRetainedBytes: number;
  /** max_slot_wal_keep_size in bytes: the WAL a slot may keep before PostgreSQL drops it; null when unbounded (-1). */
  walLimitBytes: number | null;
  /** Invalidated by PostgreSQL (wal_status 'lost': max_slot_wal_keep_size was reached); its reader cannot resume. */
  lost: boolean;
}

export interface Backlog {
  count: number;
  /** More candidates than a bounded count tests: the count is extrapolated from those it tested. */
  estimate: boolean;
  /** The oldest cold ticket's last operation (an instant), among the oldest candidates; null when none of them is. */
  oldestLastOperatedAt: string | null;
  cost: QueryCost;
}

export interface MoveCounts {
  m1: number;
  m5: number;
  m15: number;
  /** Seconds from the first move in each window to now. */
  spans: { m1: number; m5: number; m15: number };
}

/** One mover's moves in one minute counted back from now (minute 0: the last 60 s), and the oldest one's age in
 * seconds. */
export interface MinuteMoves {
  minute: number;
  /** The ledger's `mover`: the instance that deleted them (INSTANCE_NAME). */
  mover: string;
  moves: number;
  oldestAgoSeconds: number;
}

/** The replication slot `name` of this database: whether it is read, the WAL it keeps, and its bound. */
export function readSlot(pool: pg.Pool, name: string): Promise<SlotState | undefined> {
  return guarded('reading the replication slot', async () => {
    const res = await pool.query<{
      active: boolean | string;
      retained: string | null;
      wal_status: string | null;
      limit_mb: string;
    }>(
      `SELECT active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint::text AS retained, wal_status,
              (SELECT setting FROM pg_settings WHERE name = 'max_slot_wal_keep_size') AS limit_mb
         FROM pg_replication_slots WHERE slot_name = $1 AND database = current_database()`,
      [name],
    );
    const row = res.rows[0];
    if (!row) return undefined;
    // pg_settings gives the bound in its unit, MB; -1: no bound.
    const limitMb = Number(row.limit_mb);
    return {
      name,
      active: row.active === true || row.active === 't',
      walRetainedBytes: Number(row.retained ?? 0),
      walLimitBytes: limitMb < 0 ? null : limitMb * 1024 * 1024,
      lost: row.wal_status === 'lost',
    };
  });
}

export class HotInspection {
  readonly costs: QueryCosts;

  constructor(
    private readonly pool: pg.Pool,
    readonly t: TableSql,
  ) {
    this.costs = new QueryCosts(pool);
  }

  slot(name: string): Promise<SlotState | undefined> {
    return readSlot(this.pool, name);
  }

  /** Tickets cold by the rule but still hot (and not held after a restore). `count`: count them all (reads every
   * cold candidate: an operator's explicit choice); otherwise a count with a ceiling. */
  async backlog(coldAfterMs: number, count = false): Promise<Backlog> {
    const t = this.t;
    const cold = `FROM ${t.table} t WHERE ${t.candidates()} AND ${t.coldNow('$1')} AND ${t.notHeld()}`;
    const answer = count
      ? await this.costs.costed<{ n: string }>('backlog (count)', `SELECT count(*)::text AS n ${cold}`, [coldAfterMs])
      : undefined;
    const bounded = answer
      ? undefined
      : await countCandidates(this.costs, t, {
          name: 'backlog',
          range: `${t.activity()} <= ${t.coldBefore('$1')}`,
          filter: `${t.closed()} AND ${t.notHeld()}`,
          params: [coldAfterMs],
          samplePages: SAMPLE_PAGES,
        });
    const oldest = await guarded('reading the oldest cold ticket', () =>
      this.pool.query<{ at: string | null }>(
        `SELECT ${t.activityInstant()} AS at FROM (
           SELECT * FROM ${t.table} t WHERE ${t.candidates()} AND ${t.activity()} <= ${t.coldBefore('$1')}
            ORDER BY ${t.activity()}, ${t.key()} LIMIT ${OLDEST_AMONG}) t
          WHERE ${t.coldNow('$1')} AND ${t.notHeld()} ORDER BY ${t.activity()}, ${t.key()} LIMIT 1`,
        [coldAfterMs],
      ),
    );
    return {
      count: answer ? Number(answer.rows[0]?.n ?? 0) : (bounded?.rows ?? 0),
      estimate: !answer && !bounded?.exact,
      oldestLastOperatedAt: oldest.rows[0]?.at ?? null,
      cost: answer?.cost ?? (bounded as { cost: QueryCost }).cost,
    };
  }

  /** Per foreign key that holds tickets back (to the archived table, or to a part's table from one the spec does not
   * carry), how many tickets cold by time it holds back (a count with a ceiling). */
  async heldBack(coldAfterMs: number): Promise<
    Array<{
      constraint: string;
      table: string;
      part: string | null;
      onDelete: string;
      tickets: number;
      estimated: boolean;
    }>
  > {
    const t = this.t;
    const held = [];
    for (const [i, h] of t.holds().entries()) {
      const { rows, exact } = await countCandidates(this.costs, t, {
        name: `tickets held back by ${h.fk.constraint} (${i + 1})`,
        range: `${t.activity()} <= ${t.coldBefore('$1')}`,
        filter: `${t.when()} AND ${h.sql}`,
        params: [coldAfterMs],
      });
      held.push({
        constraint: h.fk.constraint,
        table: displayName(h.fk.table),
        part: h.part,
        onDelete: h.fk.onDelete,
        tickets: rows,
        estimated: !exact,
      });
    }
    return held;
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
      }>(`SELECT version, state, at, hold_until, mover FROM ${LEDGER} WHERE ticket_key = $1`, [id]);
      const r = res.rows[0];
      return r ? { version: r.version, state: r.state, at: r.at, holdUntil: r.hold_until, mover: r.mover } : undefined;
    });
  }

  /** Tickets each mover deleted in each of the last 15 minutes (the ledger: every mover of the group, durable),
   * counted back from the database's clock so that no minute is cut by the moment of asking: minute 0 is the last
   * 60 s. Only minutes with moves are listed, each with its oldest move's age, which tells where a run began. The ledger's
   * index on `at` bounds the read to these 15 minutes whatever the ledger's size. */
  minuteMoves(): Promise<MinuteMoves[]> {
    return guarded('counting recent moves', async () => {
      // Every value arrives as text (the pool parses nothing): numbers are read here.
      const res = await this.pool.query<{ minute: string; mover: string; moves: string; oldest: string }>(
        `SELECT least(14, floor(ago / 60))::int AS minute, mover, count(*) AS moves, max(ago) AS oldest
           FROM (SELECT greatest(0, extract(epoch FROM now() - at))::float8 AS ago, mover
                   FROM ${LEDGER} WHERE state = 'archived' AND at > now() - interval '15 minutes') m
          GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      return res.rows.map((r) => ({
        minute: Number(r.minute),
        mover: r.mover,
        moves: Number(r.moves),
        oldestAgoSeconds: Number(r.oldest),
      }));
    });
  }

  async moveCounts(): Promise<MoveCounts> {
    return moveCountsOf(await this.minuteMoves());
  }
}

/** Tickets moved in the last 1, 5 and 15 minutes, and how many seconds of each window had moves in it (a backfill
 * that started 2 minutes ago has 2 minutes of rate): sums of the minutes, so that `status` reads the ledger once. */
export function moveCountsOf(minutes: readonly MinuteMoves[]): MoveCounts {
  const within = (n: number) => minutes.filter((m) => m.minute < n);
  const count = (n: number) => within(n).reduce((sum, m) => sum + m.moves, 0);
  const span = (n: number) => Math.max(0, ...within(n).map((m) => m.oldestAgoSeconds));
  return { m1: count(1), m5: count(5), m15: count(15), spans: { m1: span(1), m5: span(5), m15: span(15) } };
}
