// The archived table as a move sees it (the move's port, core/move/ports.ts): re-read candidate rows as exact text
// with the stamp of the snapshot that read them, their current state and ledger entries, and the guarded delete
// (deletion.ts). Every statement is built from the spec's table (tableSql.ts).
import type pg from 'pg';
import type { ReadRow, RowText } from '../../core/move/coldDocument.ts';
import { readStamp } from '../../core/move/copyOrder.ts';
import type {
  ColdRows,
  CopiedTicket,
  DeleteFailure,
  HotState,
  HotTicketStore,
  LedgerEntry,
  TicketVersion,
} from '../../core/move/ports.ts';
import { ColumnTypes } from './columnTypes.ts';
import { deleteUnchanged, type CopiedShape } from './deletion.ts';
import { readParts } from './partReads.ts';
import { guarded } from './pool.ts';
import { LEDGER, type TableSql } from './tableSql.ts';

/** Columns the re-read adds beside the row's own (names no table column would have). */
const KEY = 'ticket_archiver.key';
const VERSION = 'ticket_archiver.version';
const XMAX = 'ticket_archiver.xmax';
const IN_PROGRESS = 'ticket_archiver.in_progress';
const ADDED = new Set([KEY, VERSION, XMAX, IN_PROGRESS]);

export class HotTickets implements HotTicketStore {
  private readonly columnTypes: ColumnTypes;

  constructor(
    private readonly pool: pg.Pool,
    private readonly t: TableSql,
    private readonly coldAfterMs: number,
  ) {
    this.columnTypes = new ColumnTypes(pool);
  }

  readColdRows(ids: string[]): Promise<ColdRows> {
    if (ids.length === 0) return Promise.resolve({ rows: [], columns: {}, readStamp: 0n });
    return guarded('re-reading tickets', async () => {
      if (this.t.parts.length === 0) return this.readRoots(this.pool, ids);
      // A ticket and its parts in one snapshot: the aggregate as it was at one moment.
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const roots = await this.readRoots(client, ids);
        const keys = roots.rows.map((r) => r.key);
        const { byTicket, columns } = await readParts(client, this.t.parts, keys, this.columnTypes);
        await client.query('COMMIT');
        for (const r of roots.rows) r.parts = byTicket.get(r.key) ?? {};
        return { ...roots, partColumns: columns };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    });
  }

  private async readRoots(db: pg.Pool | pg.PoolClient, ids: string[]): Promise<ColdRows> {
    const t = this.t;
    // The snapshot that reads the rows also stamps them (copyOrder.ts).
    const res = await db.query<RowText>(
      `SELECT t.*, ${t.keyText()} AS "${KEY}", ${t.version()} AS "${VERSION}",
              pg_snapshot_xmax(s.snap)::text AS "${XMAX}",
              (SELECT count(*) FROM pg_snapshot_xip(s.snap))::text AS "${IN_PROGRESS}"
         FROM ${t.table} t, (SELECT pg_current_snapshot() AS snap) s
        WHERE ${t.key()} = ANY(${t.keys('$1')}) AND ${t.coldNow('$2')} AND ${t.notHeld()}`,
      [ids, this.coldAfterMs],
    );
    const first = res.rows[0];
    const stamp = first ? readStamp(BigInt(first[XMAX] ?? '0'), Number(first[IN_PROGRESS] ?? 0)) : 0n;
    const rows: ReadRow[] = res.rows.map((r) => {
      const row: RowText = {};
      for (const [name, value] of Object.entries(r)) if (!ADDED.has(name)) row[name] = value;
      return { key: r[KEY] as string, version: r[VERSION] as string, row };
    });
    const columns = await this.columnTypes.of(res.fields.filter((f) => !ADDED.has(f.name)));
    return { rows, columns, readStamp: stamp };
  }

  readStates(ids: string[]): Promise<Map<string, HotState>> {
    if (ids.length === 0) return Promise.resolve(new Map<string, HotState>());
    const t = this.t;
    return guarded('reading ticket states', async () => {
      const res = await this.pool.query<{
        key: string;
        version: string;
        closed: boolean;
        last_operated_at: string;
        cold: boolean;
        held_until: string | null;
      }>(
        `SELECT ${t.keyText()} AS key, ${t.version()} AS version, (${t.closed()})::text AS closed,
                ${t.activityInstant()} AS last_operated_at, (${t.coldNow('$2')})::text AS cold,
                (SELECT l.hold_until FROM ${LEDGER} l
                  WHERE l.ticket_key = ${t.keyText()} AND l.state = 'restored' AND l.hold_until > now()) AS held_until
           FROM ${t.table} t WHERE ${t.key()} = ANY(${t.keys('$1')})`,
        [ids, this.coldAfterMs],
      );
      return new Map(
        res.rows.map((r) => [
          r.key,
          {
            id: r.key,
            version: r.version,
            closed: String(r.closed) === 'true',
            lastOperatedAt: r.last_operated_at,
            cold: String(r.cold) === 'true',
            heldUntil: r.held_until,
          },
        ]),
      );
    });
  }

  readLedger(ids: string[]): Promise<Map<string, LedgerEntry>> {
    if (ids.length === 0) return Promise.resolve(new Map<string, LedgerEntry>());
    return guarded('reading the ledger', async () => {
      const res = await this.pool.query<{
        ticket_key: string;
        version: string;
        state: 'archived' | 'restored';
        hold_until: string | null;
      }>(`SELECT ticket_key, version, state, hold_until FROM ${LEDGER} WHERE ticket_key = ANY($1::text[])`, [ids]);
      return new Map(
        res.rows.map((r) => [
          r.ticket_key,
          { id: r.ticket_key, version: r.version, state: r.state, holdUntil: r.hold_until },
        ]),
      );
    });
  }

  deleteUnchanged(
    copied: CopiedTicket[],
    shape: CopiedShape,
    mover: string,
    lockTimeoutMs: number,
  ): Promise<{ deleted: TicketVersion[]; failed: DeleteFailure[] }> {
    const context = {
      pool: this.pool,
      columnTypes: this.columnTypes,
      table: this.t,
      coldAfterMs: this.coldAfterMs,
    };
    return guarded('deleting moved tickets', () => deleteUnchanged(context, copied, shape, mover, lockTimeoutMs));
  }
}
