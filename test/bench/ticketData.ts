// The benchmark's tickets: N rows generated inside PostgreSQL (deterministic in N, so every contender starts from
// the same data), realistic in size and mix, plus the extra columns a real tickets table grows.
import type pg from 'pg';

/** Columns a production tickets table typically gains beyond the brief's contract, of several types. The archiver
 * carries them as exact text; the cold document's typed fields stay the brief's. */
export const EXTRA_COLUMNS_SQL = `ALTER TABLE public.tickets
  ADD COLUMN IF NOT EXISTS priority smallint,
  ADD COLUMN IF NOT EXISTS channel text,
  ADD COLUMN IF NOT EXISTS tags text[],
  ADD COLUMN IF NOT EXISTS satisfaction numeric(3,2),
  ADD COLUMN IF NOT EXISTS attributes jsonb,
  ADD COLUMN IF NOT EXISTS first_response_at timestamptz,
  ADD COLUMN IF NOT EXISTS sla_breached boolean`;

// Sentences the bodies are built from; pieces are drawn per row, some followed by an order number, so bodies
// compress like real text rather than like a repeated string.
export const PHRASES = [
  '您好，我的订单一直没有发货，请帮忙查询一下物流状态。',
  'Hello, the app crashes every time I open the settings page.',
  '谢谢 🙏 thanks a lot for the quick reply!',
  'Steps to reproduce: 1) open the app 2) tap "Pay" 3) 💥',
  '发票抬头需要修改为公司全称，税号如下。',
  'I was charged twice for the same order, please refund one of them.',
  '账号被锁定了，无法登录 🔐 请尽快处理。',
  'The parcel arrived damaged 📦😞, photos attached.',
  '客服您好，优惠券无法使用，提示已过期。',
  'Could you change the delivery address to the one below?',
  '我已经等了三天了，还是没有人回复 😡',
  'Our team of 40 agents cannot see the new queue since this morning.',
  '请把退款退回到原支付方式，谢谢。',
  'Attached is the log file from the device (Android 14, v8.2.1).',
  '这个问题已经解决了，可以关闭工单 ✅',
  'Thanks, closing this ticket. 👍',
];

export interface GeneratedTickets {
  total: number;
  /** Closed long before the cold age: what a backfill moves. */
  cold: number;
  bodyBytes: { mean: number; min: number; max: number };
  tableBytes: number;
  seconds: number;
}

/**
 * Generates `count` tickets (ids 1..count after a TRUNCATE ... RESTART IDENTITY). Of each 100, by a hash of the row
 * number: 70 closed between the cold age plus one hour and a year before now (cold), 10 closed within the last
 * half cold age (closed, not cold during a run), 20 open. Bodies of 300 B to 20 KB, skewed toward the small end
 * (cube of a uniform draw on a log scale: median about 1.3 KB), in Chinese, English and emoji.
 */
export async function generateTickets(
  db: pg.Pool,
  count: number,
  coldAfterMs: number,
  log: (m: string) => void,
): Promise<GeneratedTickets> {
  const began = Date.now();
  await db.query(EXTRA_COLUMNS_SQL);
  await db.query('TRUNCATE public.tickets RESTART IDENTITY');
  const chunk = 20_000;
  for (let start = 1; start <= count; start += chunk) {
    const end = Math.min(count, start + chunk - 1);
    await db.query(
      `WITH r AS (
         SELECT g,
                (hashint8extended(g, 1) & 2147483647)::float8 / 2147483648 AS u1,
                (hashint8extended(g, 2) & 2147483647)::float8 / 2147483648 AS u2,
                (hashint8extended(g, 3) & 2147483647)::float8 / 2147483648 AS u3,
                hashint8extended(g, 4) & 2147483647 AS h
           FROM generate_series($1::bigint, $2::bigint) g)
       INSERT INTO public.tickets (id, customer_id, status, subject, body, created_at, last_operated_at, last_operator_id,
                                   last_operator_group_id, priority, channel, tags, satisfaction, attributes, first_response_at, sla_breached)
       OVERRIDING SYSTEM VALUE
       SELECT g,
              100000 + h % 50000,
              CASE WHEN h % 100 < 80 THEN 'closed' WHEN h % 2 = 0 THEN 'unassigned' ELSE 'in_progress' END,
              ($4::text[])[1 + h % 16] || ' #' || g,
              (SELECT string_agg(($4::text[])[1 + (hashint8extended(g * 1000 + k, 5) & 15)]
                                 || CASE WHEN k % 4 = 0 THEN ' 订单 ' || substr(md5((g * 1000 + k)::text), 1, 16) ELSE '' END, ' ')
                 FROM generate_series(1, greatest(1, (300 * power(66.7, u1 ^ 3) / 64)::int)) k),
              now() - interval '400 days' + u2 * interval '30 days',
              CASE
                WHEN h % 100 < 70 THEN now() - $3 * interval '1 millisecond' - interval '1 hour' - u3 * interval '365 days'
                WHEN h % 100 < 80 THEN now() - u3 * $3 / 2 * interval '1 millisecond'
                ELSE now() - u3 * interval '30 days'
              END,
              h % 2000, h % 60,
              (1 + h % 4)::smallint,
              (ARRAY['email', 'chat', 'phone', 'web', '微信'])[1 + h % 5],
              CASE WHEN h % 3 = 0 THEN ARRAY['billing', 'vip'] WHEN h % 3 = 1 THEN ARRAY['物流', 'refund 💸'] ELSE '{}'::text[] END,
              CASE WHEN h % 5 = 0 THEN NULL ELSE round((1 + u2 * 4)::numeric, 2) END,
              jsonb_build_object('sla', (ARRAY['gold', 'silver', 'bronze'])[1 + h % 3], 'lang', CASE WHEN h % 2 = 0 THEN 'zh' ELSE 'en' END,
                                 'device', 'ios 🍎 ' || (h % 17), 'score', u3),
              now() - interval '399 days' + u2 * interval '30 days',
              h % 7 = 0
         FROM r`,
      [start, end, coldAfterMs, PHRASES],
    );
    if ((end / chunk) % 10 === 0 || end === count) log(`generated ${end} of ${count} tickets`);
  }
  await db.query(`SELECT setval(pg_get_serial_sequence('public.tickets', 'id'), $1)`, [count]);
  // Settled as a long-lived table is: hint bits and the visibility map set, statistics fresh. Otherwise the first reads
  // of every row (by whichever contender runs) write them, and the autovacuum the inserts trigger runs into the quiet
  // baseline.
  await db.query('VACUUM (ANALYZE) public.tickets');
  const { rows } = await db.query<{ cold: string; mean: string; min: string; max: string; bytes: string }>(
    `SELECT count(*) FILTER (WHERE status = 'closed' AND last_operated_at <= now() - $1 * interval '1 millisecond')::text AS cold,
            avg(octet_length(body))::bigint::text AS mean, min(octet_length(body))::text AS min, max(octet_length(body))::text AS max,
            pg_total_relation_size('public.tickets')::text AS bytes
       FROM public.tickets`,
    [coldAfterMs],
  );
  const r = rows[0];
  return {
    total: count,
    cold: Number(r?.cold),
    bodyBytes: { mean: Number(r?.mean), min: Number(r?.min), max: Number(r?.max) },
    tableBytes: Number(r?.bytes),
    seconds: (Date.now() - began) / 1000,
  };
}

/** Hot tickets still cold by the rule: what is left of a backfill. A range of the partial index on closed tickets. */
export async function coldLeft(db: pg.Pool, coldAfterMs: number): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM public.tickets WHERE status = 'closed' AND last_operated_at <= now() - $1 * interval '1 millisecond'`,
    [coldAfterMs],
  );
  return Number(rows[0]?.n);
}

/** Ids of open tickets, the targets of the live update stream. */
export async function openTicketIds(db: pg.Pool, limit = 50_000): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id::text FROM public.tickets WHERE status <> 'closed' ORDER BY id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.id);
}
