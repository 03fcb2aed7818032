// The fault suite's tickets: a realistic mix loaded straight into the hot table before the backfill, plus the
// fingerprint of every cold one, so the suite can later prove each archive is the row as it was.
import type pg from 'pg';
import { contentHash, type RowText } from '../../services/core/move/coldDocument.ts';
import { pgTimestampMs } from '../../services/core/timestamps.ts';

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
 * Loads `count` tickets in chunks (one transaction each, as a bulk import would). Of each 20: 8 cold (closed, last
 * operated hours to months before the cold age), 3 closed and due 60 to 240 s after the load, 9 open. Bodies mix
 * Chinese, English and emoji from tens of bytes to a few KB.
 */
export async function loadTickets(
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
    const { rows } = await db.query<{ first: string; last: string }>(
      `WITH ins AS (
         INSERT INTO public.tickets (customer_id, status, subject, body, created_at, last_operated_at, last_operator_id, last_operator_group_id)
         SELECT 100000 + g % 7919,
                CASE WHEN g % 20 < 11 THEN 'closed' WHEN g % 2 = 0 THEN 'unassigned' ELSE 'in_progress' END,
                (ARRAY['退款申请 refund request', 'Login fails after update 🔐', '发票抬头修改', 'Where is my parcel? 📦', '账号被锁定 locked out'])[1 + g % 5] || ' #' || g,
                repeat((ARRAY['您好，我的订单一直没有发货，请帮忙查询。', 'Hello, the app crashes when I open settings. ', '谢谢 🙏 thanks a lot! ', 'Steps: 1) open 2) tap 3) 💥 '])[1 + g % 4], 1 + (g * 7919) % 90),
                now() - interval '200 days' + (g % 1000) * interval '1 minute',
                CASE
                  WHEN g % 20 < 8 THEN now() - $3 * interval '1 second' - interval '1 hour' - (g % 100000) * interval '2 minutes'
                  WHEN g % 20 < 11 THEN now() - $3 * interval '1 second' + (60 + g % 180) * interval '1 second'
                  ELSE now() - (g % 86400) * interval '1 minute'
                END,
                g % 500, g % 40
           FROM generate_series($1::int, $2::int) g
         RETURNING id)
       SELECT min(id)::text AS first, max(id)::text AS last FROM ins`,
      [start, end, coldAfterSeconds],
    );
    const first = BigInt(rows[0]?.first ?? '0');
    firstId ??= first;
    lastId = BigInt(rows[0]?.last ?? '0');
  }
  if (firstId === undefined) throw new Error('no tickets loaded');

  const { rows } = await textDb.query<RowText>('SELECT * FROM public.tickets WHERE id BETWEEN $1 AND $2', [
    firstId.toString(),
    lastId.toString(),
  ]);
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
    const id = row.id as string;
    loaded.columns = Object.keys(row);
    if (row.status !== 'closed') {
      loaded.openIds.push(id);
      continue;
    }
    loaded.hashes.set(id, contentHash(row));
    const lastOperated = pgTimestampMs(row.last_operated_at ?? '');
    if (Number.isNaN(lastOperated))
      throw new Error(`ticket ${id}: last_operated_at ${row.last_operated_at} is no timestamp`);
    (lastOperated < coldBefore ? loaded.coldIds : loaded.dueSoonIds).push(id);
  }
  return loaded;
}
