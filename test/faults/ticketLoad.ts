// The fault suite's tickets: a realistic mix loaded straight into the hot table before the backfill, plus the
// fingerprint of every cold one, so the suite can later prove each archive is the row as it was.
import type pg from 'pg';
import { contentHash, type RowText } from '../../services/core/move/coldDocument.ts';
import type { FaultTable } from './faultTable.ts';

export interface LoadedTickets {
  firstId: bigint;
  lastId: bigint;
  total: number;
  /** Cold when loaded (closed long ago): the backfill's work. */
  coldIds: string[];
  /** Closed recently: they turn cold by time alone while the scenario runs. */
  dueSoonIds: string[];
  /** Open tickets (unassigned or in progress). */
  openIds: string[];
  /** Content hash of each row as loaded (every column as exact text), by id. */
  hashes: Map<string, string>;
  /** The table's columns when loaded. */
  columns: string[];
}

/**
 * Loads `count` tickets into the table in chunks (one transaction each, as a bulk import would). Of each 20: 8 cold
 * (closed, last operated hours to months before the cold age), 3 closed and due 60 to 240 s after the load, 9 open.
 * Texts mix Chinese, English and emoji from tens of bytes to a few KB. Closed and activity are the table's own rule
 * (FaultTable), not the product's.
 */
export async function loadTickets(
  table: FaultTable,
  db: pg.Pool,
  textDb: pg.Pool,
  count: number,
  coldAfterSeconds: number,
): Promise<LoadedTickets> {
  const chunk = 10_000;
  let firstId: bigint | undefined;
  let lastId = 0n;
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk) - 1;
    const { rows } = await db.query<{ first: string; last: string }>(table.loadSql, [start, end, coldAfterSeconds]);
    const first = BigInt(rows[0]?.first ?? '0');
    firstId ??= first;
    lastId = BigInt(rows[0]?.last ?? '0');
  }
  if (firstId === undefined) throw new Error('no tickets loaded');

  // In key order: the traffic finds the backfill's front in coldIds by binary search.
  const { rows } = await textDb.query<RowText>(
    `SELECT * FROM ${table.sql} WHERE ${table.key} BETWEEN $1 AND $2 ORDER BY ${table.key}`,
    [firstId.toString(), lastId.toString()],
  );
  const loaded: LoadedTickets = {
    firstId,
    lastId,
    total: rows.length,
    coldIds: [],
    dueSoonIds: [],
    openIds: [],
    hashes: new Map(),
    columns: [],
  };
  const coldBefore = Date.now() - coldAfterSeconds * 1000;
  for (const row of rows) {
    const id = row[table.key] as string;
    loaded.columns = Object.keys(row);
    if (!table.closed(row)) {
      loaded.openIds.push(id);
      continue;
    }
    loaded.hashes.set(id, contentHash(row));
    const lastOperated = table.activityMs(row);
    if (Number.isNaN(lastOperated))
      throw new Error(`ticket ${id}: ${table.activityColumn} ${row[table.activityColumn]} is no timestamp`);
    (lastOperated < coldBefore ? loaded.coldIds : loaded.dueSoonIds).push(id);
  }
  return loaded;
}
