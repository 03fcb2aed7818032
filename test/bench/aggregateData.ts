// The aggregates part's Zammad tickets (test/fixtures/helpdesks/zammad.sql), generated inside PostgreSQL by ranges of
// ticket ids, set-based (INSERT ... SELECT over generate_series), deterministic in the id: every database that loads a
// range holds the same ticket rows. With parts, each ticket gets a conversation shaped as Zammad writes it
// (helpdeskZammadParts.ts writes one by hand; this writes thousands): 5 to 20 articles (emails from the customer with
// their raw mail, the agent's replies, internal notes, phone and web articles) with bodies of 300 B to 38 KB (a long
// tail: median about 0.7 KB, mean about 4 KB; HTML for most emails), a 'seen' flag on 40% of articles, attachment
// rows (stores, metadata only: the fixture has no store_files, so no bytes) on 30% of articles, an article history on
// 35% of articles, 3 to 6 history rows and 0 to 4 tags per ticket, time accounted on 30% of tickets.
import type pg from 'pg';
import { PHRASES } from './ticketData.ts';

/** Tickets per statement. */
const CHUNK = 1000;

const hash = (x: string, seed: number) => `(hashint8extended(${x}, ${seed}) & 2147483647)`;
const unit = (x: string, seed: number) => `(${hash(x, seed)}::float8 / 2147483648)`;
const utcNow = `(now() AT TIME ZONE 'UTC')`;
const lookup = (table: string, name: string) => `(SELECT id FROM zammad.${table} WHERE name = '${name}')`;

/**
 * Of each 100 tickets, by a hash of the id: 70 closed (state 4) and cold (updated between COLD_AFTER plus an hour and
 * a year ago), 10 closed within half of COLD_AFTER (not cold during the run: the backfill sets their timers), 10 open
 * and 10 new (updated within 30 days). Created 1 to 15 days before their last update. article_count is the number of
 * articles the parts get. $1, $2: the ids; $3: COLD_AFTER in ms; $4: the phrases.
 */
const TICKETS = `
  WITH r AS (
    SELECT g, ${hash('g', 21)} AS h, ${unit('g', 22)} AS u, ${unit('g', 23)} AS v
      FROM generate_series($1::bigint, $2::bigint) g),
  a AS (
    SELECT r.*, (CASE WHEN h % 100 < 70 THEN ${utcNow} - $3::float8 * interval '1 millisecond' - interval '1 hour' - u * interval '365 days'
                      WHEN h % 100 < 80 THEN ${utcNow} - u * $3::float8 / 2 * interval '1 millisecond'
                      ELSE ${utcNow} - u * interval '30 days' END)::timestamp(3) AS updated
      FROM r),
  b AS (SELECT a.*, (updated - (1 + v * 14) * interval '1 day')::timestamp(3) AS created FROM a)
  INSERT INTO zammad.tickets (id, group_id, priority_id, state_id, organization_id, number, title, owner_id, customer_id,
    first_response_at, close_at, last_close_at, last_contact_at, last_contact_agent_at, last_contact_customer_at,
    create_article_type_id, create_article_sender_id, article_count, time_unit, preferences, updated_by_id,
    created_by_id, created_at, updated_at)
  SELECT g, 1 + h % 12, 1 + (h / 100) % 3, CASE WHEN h % 100 < 80 THEN 4 WHEN h % 2 = 0 THEN 2 ELSE 1 END,
         CASE WHEN h % 3 = 0 THEN NULL ELSE 1 + (h / 1000) % 400 END, (31000000 + g)::text,
         left(($4::text[])[1 + (h / 16) % 16], 200), 2 + (h / 7) % 40, 1000 + (h / 11) % 50000,
         created + interval '47 minutes', CASE WHEN h % 100 < 80 THEN updated END,
         CASE WHEN h % 100 < 80 THEN updated END, updated - interval '1 hour', updated - interval '1 hour',
         updated - interval '3 hours', 1, 2, 5 + ${hash('g', 24)} % 16,
         CASE WHEN h % 10 < 3 THEN round((u * 90)::numeric, 2) END,
         E'---\\nchannel_id: 3\\nescalation_calculation:\\n  first_response_at: \\n  last_update_at: \\n  sla_id: \\n  calendar_id: 1\\n',
         2 + (h / 7) % 40, 1000 + (h / 11) % 50000, created, updated
    FROM b`;

/** Articles of the tickets $1..$2: type, sender, addresses, message ids, a body of 300 * 128^(u^2.5) bytes (about:
 * pieces of ~56 bytes drawn from the phrases, every fourth with an order number), HTML for 60% of emails and web. */
const ARTICLES = `
  INSERT INTO zammad.ticket_articles (ticket_id, type_id, sender_id, "from", "to", cc, subject, message_id,
    message_id_md5, in_reply_to, content_type, body, internal, preferences, updated_by_id, created_by_id, created_at,
    updated_at)
  SELECT t.id, x.type_id, x.sender_id,
         CASE WHEN x.sender_id = 2 THEN 'Kundin ' || t.customer_id || ' <customer' || t.customer_id || '@example.com>'
              ELSE 'Support <support@example.com>' END,
         CASE WHEN x.sender_id = 2 THEN 'support@example.com' ELSE 'customer' || t.customer_id || '@example.com' END,
         CASE WHEN s.h % 7 = 0 THEN 'team-lead@example.com, 张伟 <zhang.wei@example.cn>' END,
         CASE WHEN k = 1 THEN t.title ELSE 'RE: ' || t.title END,
         CASE WHEN x.type_id IN (1, 11) THEN x.mid END, CASE WHEN x.type_id IN (1, 11) THEN md5(x.mid) END,
         CASE WHEN x.type_id = 1 AND k > 1 THEN '<' || md5((t.id * 100 + k - 1)::text) || '@mail.example.com>' END,
         CASE WHEN x.html THEN 'text/html' ELSE 'text/plain' END,
         (SELECT CASE WHEN x.html THEN '<div dir="ltr"><p>' || string_agg(piece, '</p><p>') || '</p></div>'
                      ELSE string_agg(piece, E'\\n') END
            FROM (SELECT ($3::text[])[1 + ${hash('s.h * 1024 + j', 25)} % 16]
                         || CASE WHEN j % 4 = 0 THEN ' #' || substr(md5((s.h * 1024 + j)::text), 1, 16) ELSE '' END AS piece
                    FROM generate_series(1, greatest(1, (300 * power(128, s.u ^ 2.5) / 56)::int)) j) q),
         x.type_id = 10,
         CASE WHEN x.type_id = 1 THEN E'---\\nchannel_id: 3\\ndelivery_retry: 0\\nsecurity:\\n  type: S/MIME\\n  sign:\\n    success: false\\n  encryption:\\n    success: false\\n'
              ELSE E'---\\n{}\\n' END,
         x.author, x.author, x.at, x.at
    FROM zammad.tickets t
   CROSS JOIN LATERAL generate_series(1, t.article_count) k
   CROSS JOIN LATERAL (SELECT ${hash('t.id * 100 + k', 26)} AS h, ${unit('t.id * 100 + k', 27)} AS u) s
   CROSS JOIN LATERAL (
     SELECT y.*, y.type_id IN (1, 11) AND s.h % 5 < 3 AS html,
            CASE WHEN y.sender_id = 2 THEN t.customer_id ELSE t.owner_id END AS author
       FROM (SELECT z.type_id,
                    CASE WHEN z.type_id = 1 AND k % 2 = 1 THEN 2 WHEN z.type_id = 11 THEN 2 ELSE 1 END AS sender_id,
                    '<' || md5((t.id * 100 + k)::text) || '@mail.example.com>' AS mid,
                    (t.created_at + (k - 1)::float8 / t.article_count * (t.updated_at - t.created_at))::timestamp(3) AS at
               FROM (SELECT CASE WHEN k = 1 THEN 1 WHEN s.h % 20 < 10 THEN 1 WHEN s.h % 20 < 15 THEN 10
                                 WHEN s.h % 20 < 17 THEN 5 ELSE 11 END AS type_id) z) y) x
   WHERE t.id BETWEEN $1 AND $2
   ORDER BY t.id, k`;

const FILES = `(ARRAY['Rechnung März.pdf', 'screenshot.png', 'image001.png', 'log.txt', '発注書.xlsx', 'Vertrag 2024.docx'])`;
const MIMES = `(ARRAY['application/pdf', 'image/png', 'image/png', 'text/plain',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document'])`;

/** The rows below the articles of tickets $1..$2: flags, attachments, raw mails, article histories. */
const ARTICLE_PARTS = [
  `INSERT INTO zammad.ticket_article_flags (ticket_article_id, key, value, created_by_id, created_at, updated_at)
   SELECT a.id, 'seen', 'true', 2 + ${hash('a.id', 31)} / 10 % 40, a.created_at + interval '5 minutes',
          a.created_at + interval '5 minutes'
     FROM zammad.ticket_articles a WHERE a.ticket_id BETWEEN $1 AND $2 AND ${hash('a.id', 31)} % 10 < 4`,
  `INSERT INTO zammad.stores (store_object_id, store_file_id, o_id, preferences, size, filename, created_by_id,
                              created_at, updated_at)
   SELECT ${lookup('store_objects', 'Ticket::Article')}, 100000 + s.h % 10000000, a.id,
          E'---\\nContent-Type: ' || ${MIMES}[f] || E'\\nMime-Type: ' || ${MIMES}[f] || E'\\nContent-ID: '
            || md5(a.id || '/' || j) || E'@zammad.example.com\\nContent-Disposition: attachment\\nresizable: '
            || (f IN (2, 3)) || E'\\n',
          (1024 + s.h % 5000000)::text, ${FILES}[f], a.created_by_id, a.created_at, a.created_at
     FROM zammad.ticket_articles a
    CROSS JOIN LATERAL (SELECT ${hash('a.id', 32)} AS h) s
    CROSS JOIN LATERAL generate_series(1, 1 + (s.h / 10) % 3) j
    CROSS JOIN LATERAL (SELECT 1 + ((s.h / 100 + j) % 6)::int AS f) n
    WHERE a.ticket_id BETWEEN $1 AND $2 AND s.h % 10 < 3
   UNION ALL
   SELECT ${lookup('store_objects', 'Ticket::Article::Mail')}, 200000 + a.id % 10000000, a.id, E'---\\n',
          (2000 + octet_length(a.body) * 2)::text, 'ticket-' || t.number || '-' || a.id || '.eml', a.created_by_id,
          a.created_at, a.created_at
     FROM zammad.ticket_articles a JOIN zammad.tickets t ON t.id = a.ticket_id
    WHERE a.ticket_id BETWEEN $1 AND $2 AND a.type_id = 1 AND a.sender_id = 2`,
  `INSERT INTO zammad.histories (history_type_id, history_object_id, o_id, related_o_id, related_history_object_id,
                                 created_by_id, created_at, updated_at)
   SELECT 1, ${lookup('history_objects', 'Ticket::Article')}, a.id, a.ticket_id, ${lookup('history_objects', 'Ticket')},
          a.created_by_id, a.created_at, a.created_at
     FROM zammad.ticket_articles a WHERE a.ticket_id BETWEEN $1 AND $2 AND ${hash('a.id', 33)} % 20 < 7`,
];

/** The rows of tickets $1..$2 beside the articles: histories, time accountings, tags. */
const TICKET_PARTS = [
  `INSERT INTO zammad.histories (history_type_id, history_object_id, history_attribute_id, o_id, id_to, id_from,
                                 value_from, value_to, created_by_id, created_at, updated_at)
   SELECT CASE WHEN j = 1 THEN 1 ELSE 2 END, ${lookup('history_objects', 'Ticket')},
          (ARRAY[NULL, 14, 3, 5, 6, 14])[j], t.id,
          (ARRAY[NULL, 2, t.owner_id, t.group_id, 3, 4])[j], (ARRAY[NULL, 1, 1, 1, 2, 2])[j],
          (ARRAY[NULL, 'new', '-', 'Users', '2 normal', 'open'])[j],
          (ARRAY[NULL, 'open', 'Agent ' || t.owner_id, 'Support 2nd Level', '3 high', 'closed'])[j],
          t.owner_id, w.at, w.at
     FROM zammad.tickets t
    CROSS JOIN LATERAL generate_series(1, 3 + ${hash('t.id', 34)} % 4) j
    CROSS JOIN LATERAL (SELECT (CASE WHEN j = 6 THEN t.updated_at
                                     ELSE t.created_at + (j - 1) * interval '2 hours' END)::timestamp(3) AS at) w
    WHERE t.id BETWEEN $1 AND $2`,
  `INSERT INTO zammad.ticket_time_accountings (ticket_id, ticket_article_id, time_unit, created_by_id, created_at,
                                               updated_at)
   SELECT t.id, CASE WHEN j = 2 THEN (SELECT max(a.id) FROM zammad.ticket_articles a WHERE a.ticket_id = t.id) END,
          round(((5 + s.h % 115) / 4.0)::numeric, 2), t.owner_id, t.created_at + j * interval '1 hour',
          t.created_at + j * interval '1 hour'
     FROM zammad.tickets t
    CROSS JOIN LATERAL (SELECT ${hash('t.id', 35)} AS h) s
    CROSS JOIN LATERAL generate_series(1, 1 + (s.h / 10) % 2) j
    WHERE t.id BETWEEN $1 AND $2 AND s.h % 10 < 3`,
  `INSERT INTO zammad.tags (tag_item_id, tag_object_id, o_id, created_by_id, created_at, updated_at)
   SELECT 1 + ${hash('t.id * 8 + j', 37)} % 200, ${lookup('tag_objects', 'Ticket')}, t.id, t.owner_id,
          t.created_at + interval '10 minutes', t.created_at + interval '10 minutes'
     FROM zammad.tickets t CROSS JOIN LATERAL generate_series(1, ${hash('t.id', 36)} % 5) j
    WHERE t.id BETWEEN $1 AND $2`,
];

/** Inserts Zammad tickets `from`..`to` (ids), with their conversations when `parts`. */
export async function insertZammadTickets(
  db: pg.Pool,
  range: { from: number; to: number },
  coldAfterMs: number,
  parts: boolean,
  log: (m: string) => void,
): Promise<void> {
  for (let start = range.from; start <= range.to; start += CHUNK) {
    const end = Math.min(range.to, start + CHUNK - 1);
    await db.query(TICKETS, [start, end, coldAfterMs, PHRASES]);
    if (parts) {
      await db.query(ARTICLES, [start, end, PHRASES]);
      for (const sql of [...ARTICLE_PARTS, ...TICKET_PARTS]) await db.query(sql, [start, end]);
    }
    if ((end - range.from + 1) % 5000 === 0 || end === range.to) log(`loaded tickets up to ${end}`);
  }
  await db.query(`SELECT setval(pg_get_serial_sequence('zammad.tickets', 'id'), $1)`, [range.to]);
}

/** The body sizes of the articles, bytes: what the generator really wrote. */
export async function bodySizes(db: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await db.query<Record<string, string>>(
    `SELECT count(*)::text AS articles, min(b)::text AS min, percentile_disc(0.5) WITHIN GROUP (ORDER BY b)::text AS p50,
            round(avg(b))::text AS mean, percentile_disc(0.9) WITHIN GROUP (ORDER BY b)::text AS p90,
            percentile_disc(0.99) WITHIN GROUP (ORDER BY b)::text AS p99, max(b)::text AS max,
            round(100.0 * count(*) FILTER (WHERE html) / greatest(1, count(*)), 1)::text AS "htmlPercent"
       FROM (SELECT octet_length(body) AS b, content_type = 'text/html' AS html FROM zammad.ticket_articles) a`,
  );
  return Object.fromEntries(Object.entries(rows[0] ?? {}).map(([k, v]) => [k, Number(v)]));
}
