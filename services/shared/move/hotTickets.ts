// The hot store as the move sees it: re-read candidate rows as exact text, delete only unchanged cold rows without
// ever waiting on a business transaction's lock, and the ledger that records each delete atomically with it.
import pg from 'pg';
import type { RowText } from './coldDocument.ts';
import { shapeDifference, type TableShape } from './outcome.ts';

// Fixed output formats: the text of a row must not depend on server or role defaults, or content hashes and
// restores would differ between sessions. extra_float_digits=1 selects the shortest exact float output.
const SESSION_OPTIONS = [
  '-c TimeZone=UTC',
  '-c DateStyle=ISO,YMD',
  '-c IntervalStyle=iso_8601',
  '-c extra_float_digits=1',
  '-c bytea_output=hex',
].join(' ');

// Every column arrives as PostgreSQL's text output, never parsed into a lossy JS value.
const rawText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/**
 * A pool whose connections read every column as exact text. A connection the server closes while idle (a restart,
 * a failover, an administrator's pg_terminate_backend) is dropped by the pool and reported to `onIdleError`; the next
 * query opens a new one. (Without a listener, pg's 'error' event would end the process.)
 */
export function createMoverPool(
  databaseUrl: string,
  applicationName: string,
  max = 4,
  onIdleError: (err: Error) => void = () => undefined,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    application_name: applicationName,
    options: SESSION_OPTIONS,
    types: rawText,
    max,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', onIdleError);
  return pool;
}

export interface TicketVersion {
  id: string;
  version: string;
}

export interface HotState extends TicketVersion {
  status: string;
  lastOperatedAt: string;
  /** Cold by the rule at the database's clock. */
  cold: boolean;
  /** A restore hold keeps it hot until this time (ISO text), if any. */
  heldUntil: string | null;
}

export interface LedgerEntry extends TicketVersion {
  state: 'archived' | 'restored';
  holdUntil: string | null;
}

export interface DeleteFailure extends TicketVersion {
  code: string | undefined;
  message: string;
}

/** The table gained, lost or retyped a column after the rows were copied: the copies are not the rows any more. */
export class TableShapeChangedError extends Error {
  override name = 'TableShapeChangedError';
}

const COLD_SQL = `t.status = 'closed' AND t.last_operated_at <= now() - ($2::bigint * interval '1 millisecond')`;
const NOT_HELD_SQL = `NOT EXISTS (SELECT 1 FROM public.ticket_archiver_ledger l
  WHERE l.ticket_id = t.id AND l.state = 'restored' AND l.hold_until > now())`;

export class HotTickets {
  private readonly typeNames = new Map<string, string>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly coldAfterMs: number,
  ) {}

  /** Re-reads the tickets that are cold now (database clock) and not held, every column as text. */
  async readColdRows(ids: string[]): Promise<{ rows: RowText[]; columns: Record<string, string> }> {
    if (ids.length === 0) return { rows: [], columns: {} };
    const res = await this.pool.query<RowText>(
      `SELECT t.* FROM public.tickets t WHERE t.id = ANY($1::bigint[]) AND ${COLD_SQL} AND ${NOT_HELD_SQL}`,
      [ids, this.coldAfterMs],
    );
    return { rows: res.rows, columns: await this.columnTypes(res.fields) };
  }

  /** The current state of each ticket that still exists. */
  async readStates(ids: string[]): Promise<Map<string, HotState>> {
    if (ids.length === 0) return new Map();
    const res = await this.pool.query<{ id: string; version: string; status: string; last_operated_at: string; cold: string; held_until: string | null }>(
      `SELECT t.id, t.version, t.status, t.last_operated_at, (${COLD_SQL}) AS cold,
              (SELECT l.hold_until FROM public.ticket_archiver_ledger l
                WHERE l.ticket_id = t.id AND l.state = 'restored' AND l.hold_until > now()) AS held_until
         FROM public.tickets t WHERE t.id = ANY($1::bigint[])`,
      [ids, this.coldAfterMs],
    );
    return new Map(
      res.rows.map((r) => [
        r.id,
        { id: r.id, version: r.version, status: r.status, lastOperatedAt: r.last_operated_at, cold: r.cold === 't', heldUntil: r.held_until },
      ]),
    );
  }

  async readLedger(ids: string[]): Promise<Map<string, LedgerEntry>> {
    if (ids.length === 0) return new Map();
    const res = await this.pool.query<{ ticket_id: string; version: string; state: 'archived' | 'restored'; hold_until: string | null }>(
      'SELECT ticket_id, version, state, hold_until FROM public.ticket_archiver_ledger WHERE ticket_id = ANY($1::bigint[])',
      [ids],
    );
    return new Map(res.rows.map((r) => [r.ticket_id, { id: r.ticket_id, version: r.version, state: r.state, holdUntil: r.hold_until }]));
  }

  /**
   * Deletes each ticket only if it is still at the copied version, still cold and not held, and records it in the
   * ledger in the same transaction. Rows locked by another transaction are skipped (never waited for). When the
   * statement fails as a whole (a foreign key refuses one row, a lock or statement timeout), rows are retried one by
   * one so a single bad row cannot hold up the others; each failure is returned with its SQLSTATE.
   */
  async deleteUnchanged(
    copied: TicketVersion[],
    shape: TableShape,
    mover: string,
    lockTimeoutMs: number,
  ): Promise<{ deleted: TicketVersion[]; failed: DeleteFailure[] }> {
    if (copied.length === 0) return { deleted: [], failed: [] };
    try {
      return { deleted: await this.deleteGroup(copied, shape, mover, lockTimeoutMs), failed: [] };
    } catch (err) {
      if (err instanceof TableShapeChangedError) throw err;
      if (copied.length === 1) return { deleted: [], failed: [failure(copied[0] as TicketVersion, err)] };
    }
    const deleted: TicketVersion[] = [];
    const failed: DeleteFailure[] = [];
    for (const one of copied) {
      try {
        deleted.push(...(await this.deleteGroup([one], shape, mover, lockTimeoutMs)));
      } catch (err) {
        if (err instanceof TableShapeChangedError) throw err;
        failed.push(failure(one, err));
      }
    }
    return { deleted, failed };
  }

  private async deleteGroup(copied: TicketVersion[], shape: TableShape, mover: string, lockTimeoutMs: number): Promise<TicketVersion[]> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
      await client.query(`SET LOCAL statement_timeout = ${Math.max(1000, Math.floor(lockTimeoutMs * 20))}`);
      // The lock the DELETE takes anyway, taken first: from here no ALTER TABLE can commit until this transaction
      // ends, and the next statement's snapshot sees any that committed before. A column added with a default does
      // not change a row's version, so the version check alone would delete rows whose copies lack the column.
      await client.query('LOCK TABLE public.tickets IN ROW EXCLUSIVE MODE');
      // Described the way the copy's re-read was (result fields), so both sides name types alike.
      const current = await client.query('SELECT * FROM public.tickets LIMIT 0');
      const changed = shapeDifference(shape, await this.columnTypes(current.fields));
      if (changed.length > 0) throw new TableShapeChangedError(`public.tickets changed shape since the copy (columns: ${changed.join(', ')})`);
      const res = await client.query<{ id: string; version: string }>(
        `WITH claimed AS (
           SELECT t.id, t.version FROM public.tickets t
             JOIN unnest($1::bigint[], $3::bigint[]) AS c(id, version) ON t.id = c.id AND t.version = c.version
            WHERE ${COLD_SQL} AND ${NOT_HELD_SQL}
            FOR UPDATE OF t SKIP LOCKED
         ), deleted AS (
           DELETE FROM public.tickets t USING claimed c WHERE t.id = c.id RETURNING t.id, t.version
         ), recorded AS (
           INSERT INTO public.ticket_archiver_ledger (ticket_id, version, state, at, hold_until, mover)
           SELECT id, version, 'archived', now(), NULL, $4 FROM deleted
           ON CONFLICT (ticket_id) DO UPDATE
             SET version = EXCLUDED.version, state = 'archived', at = now(), hold_until = NULL, mover = EXCLUDED.mover
         )
         SELECT id, version FROM deleted`,
        [copied.map((c) => c.id), this.coldAfterMs, copied.map((c) => c.version), mover],
      );
      await client.query('COMMIT');
      return res.rows;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /**
   * One page of tickets that are cold by the rule and have been for longer than `graceMs` (their timer should have
   * fired by then), in (last_operated_at, id) order from `after`. A range scan of the partial index on closed tickets.
   */
  async sweepPage(after: { lastOperatedAt: string; id: string } | undefined, limit: number, graceMs: number): Promise<Array<{ id: string; lastOperatedAt: string }>> {
    const res = await this.pool.query<{ id: string; last_operated_at: string }>(
      `SELECT t.id, t.last_operated_at FROM public.tickets t
        WHERE t.status = 'closed' AND t.last_operated_at <= now() - (($2::bigint + $3::bigint) * interval '1 millisecond')
          AND ($4::timestamptz IS NULL OR (t.last_operated_at, t.id) > ($4::timestamptz, $5::bigint))
        ORDER BY t.last_operated_at, t.id
        LIMIT $1`,
      [limit, this.coldAfterMs, graceMs, after?.lastOperatedAt ?? null, after?.id ?? null],
    );
    return res.rows.map((r) => ({ id: r.id, lastOperatedAt: r.last_operated_at }));
  }

  /** Tickets put back by a restore: any archive of theirs in the cold store is left over. */
  async restoredTickets(): Promise<TicketVersion[]> {
    const res = await this.pool.query<{ ticket_id: string; version: string }>(
      `SELECT l.ticket_id, l.version FROM public.ticket_archiver_ledger l
        WHERE l.state = 'restored' AND EXISTS (SELECT 1 FROM public.tickets t WHERE t.id = l.ticket_id)`,
    );
    return res.rows.map((r) => ({ id: r.ticket_id, version: r.version }));
  }

  /** Puts an archived row back, exactly, and holds it hot until `holdUntil`. Fails if the ticket is in the hot table. */
  async restore(recordJson: string, id: string, version: string, holdUntil: Date, mover: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO public.tickets SELECT * FROM json_populate_record(NULL::public.tickets, $1::json)', [recordJson]);
      await client.query(
        `INSERT INTO public.ticket_archiver_ledger (ticket_id, version, state, at, hold_until, mover)
         VALUES ($1, $2, 'restored', now(), $3, $4)
         ON CONFLICT (ticket_id) DO UPDATE SET version = EXCLUDED.version, state = 'restored', at = now(),
           hold_until = EXCLUDED.hold_until, mover = EXCLUDED.mover`,
        [id, version, holdUntil.toISOString(), mover],
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Names the type of each result column (format_type), looked up once per type. */
  private async columnTypes(fields: pg.FieldDef[]): Promise<Record<string, string>> {
    const key = (f: pg.FieldDef) => `${f.dataTypeID}:${f.dataTypeModifier}`;
    const missing = fields.filter((f) => !this.typeNames.has(key(f)));
    if (missing.length > 0) {
      const res = await this.pool.query<{ oid: string; mod: string; name: string }>(
        'SELECT o.oid::text AS oid, o.mod::text AS mod, format_type(o.oid, o.mod) AS name FROM unnest($1::oid[], $2::int[]) AS o(oid, mod)',
        [missing.map((f) => f.dataTypeID), missing.map((f) => f.dataTypeModifier)],
      );
      for (const r of res.rows) this.typeNames.set(`${r.oid}:${r.mod}`, r.name);
    }
    return Object.fromEntries(fields.map((f) => [f.name, this.typeNames.get(key(f)) ?? 'unknown']));
  }
}

function failure(t: TicketVersion, err: unknown): DeleteFailure {
  const e = err as { code?: string; message?: string };
  return { id: t.id, version: t.version, code: e.code, message: e.message ?? String(err) };
}
