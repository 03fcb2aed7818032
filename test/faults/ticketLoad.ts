// The fault suite's tickets: a realistic mix loaded straight into the hot table before the backfill, plus the
// fingerprint of every cold one, so the suite can later prove each archive is the row as it was.
import type pg from 'pg';
import { contentHash, type RowText } from '../../services/core/move/coldDocument.ts';
import type { FaultTable } from './faultTable.ts';
import { readHotParts } from './hotParts.ts';

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
  /** With parts: the rows of the tickets' conversations (each in the table's part book), by table. */
  partRows?: Record<string, number>;
}

/**
 * Loads `count` tickets into the table in chunks (one transaction each, as a bulk import would). Of each 20: 8 cold
 * (closed, last operated hours to months before the cold age), 3 closed and due 60 to 240 s after the load, 9 open.
 * Texts mix Chinese, English and emoji from tens of bytes to a few KB. Closed and activity are the table's own rule
 * (FaultTable), not the product's. A table with parts gets each chunk's conversations right after it, and every part
 * row is read back as exact text into its part book.
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
  const partRows: Record<string, number> = {};
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk) - 1;
    const { rows } = await db.query<{ first: string; last: string }>(table.loadSql, [start, end, coldAfterSeconds]);
    const first = BigInt(rows[0]?.first ?? '0');
    firstId ??= first;
    lastId = BigInt(rows[0]?.last ?? '0');
    if (table.parts) {
      const counts = (
        await db.query<Record<string, number>>(table.parts.loadSql, [first.toString(), lastId.toString()])
      ).rows[0];
      for (const [name, n] of Object.entries(counts ?? {})) partRows[name] = (partRows[name] ?? 0) + n;
    }
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
    ...(table.parts ? { partRows } : {}),
  };
  const book = table.parts?.book;
  if (book)
    await readHotParts(
      textDb,
      table.spec,
      rows.map((r) => r[table.key] as string),
      (path, key, ticket, row) => book.record(path, key, ticket, row, 'load'),
    );
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
