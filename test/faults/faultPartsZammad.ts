// The parts of the Zammad-shaped fault table (connectors/specs/zammad.yaml): each loaded ticket's conversation as
// Zammad writes it (articles with their flags, attachments, raw mail and history; the ticket's history, time and tags),
// and the business writes to parts that race the movers. Zammad writes UTC wall-clock times into columns without a
// zone; the (type, id) pairs' types are rows of the lookup tables that test/fixtures/helpdesks/zammad.sql seeds
// (history_objects 'Ticket' and 'Ticket::Article', store_objects 'Ticket::Article' and 'Ticket::Article::Mail',
// tag_objects 'Ticket'), looked up by name as the spec does.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { RowText } from '../../services/core/move/rowText.ts';
import { PartBook, type FaultParts, type PartOp, type PartTarget, type PartWrite } from './partBook.ts';

const NOW = `(now() AT TIME ZONE 'UTC')`;
const object = (table: string, name: string) => `(SELECT id FROM zammad.${table} WHERE name = '${name}')`;
const TEXTS = `(ARRAY['您好，附件是发票，请查收。', 'Hello, the app crashes when I open settings. ', '谢谢 🙏 thanks a lot! ', 'Steps: 1) open 2) tap 3) 💥 '])`;

/** The spec's paths the suite writes to (zammad.yaml's names). */
export const ZAMMAD_PATHS = {
  articles: 'articles',
  flags: 'articles.articleFlags',
  attachments: 'articles.attachments',
  mails: 'articles.articleMails',
  articleHistories: 'articles.articleHistories',
  timeAccountings: 'timeAccountings',
  histories: 'histories',
  tags: 'tags',
} as const;

// Of the tickets just loaded (their article_count, 1 to 4, is the number of articles): articles between the ticket's
// creation and its last activity, emails (type 1) and internal notes (type 10) from the customer and the agent, bodies
// from tens of bytes to a few KB (one in five), and on one ticket in 3,000 (a cold one) a first article of about 10 MB
// (its aggregate goes to chunk documents: over the 8 MiB a ticket's document holds); a 'seen' flag on every third article, an attachment on every fourth, the
// raw mail of every other email; each article's history and the ticket's (created, and its state set); the time
// accounted on every fifth ticket (on its first article for every tenth); a tag on every fourth.
const LOAD_SQL = `WITH t AS (
    SELECT id, created_at, updated_at, article_count, state_id FROM zammad.tickets WHERE id BETWEEN $1 AND $2
  ), a AS (
    INSERT INTO zammad.ticket_articles (ticket_id, type_id, sender_id, "from", "to", subject, message_id, message_id_md5,
                                        in_reply_to, content_type, body, internal, preferences, updated_by_id,
                                        created_by_id, created_at, updated_at)
    SELECT t.id, x.type_id, x.sender_id,
           CASE x.sender_id WHEN 2 THEN '客户 Kunde <c' || t.id % 7919 || '@example.com>' ELSE 'Support 🛟 <support@example.com>' END,
           CASE x.sender_id WHEN 2 THEN 'support@example.com' ELSE 'c' || t.id % 7919 || '@example.com' END,
           'Re: ' || (ARRAY['退款申请 refund request', 'Login fails after update 🔐', '发票抬头修改'])[1 + t.id % 3],
           x.mid, md5(x.mid), CASE WHEN n > 1 THEN '<' || t.id || '.' || (n - 1) || '@faults.example.com>' END,
           CASE WHEN n % 2 = 0 THEN 'text/html' ELSE 'text/plain' END,
           repeat(${TEXTS}[1 + (t.id + n) % 4], CASE WHEN t.id % 3000 = 7 AND n = 1 THEN 260000
             WHEN (t.id + n) % 5 = 0 THEN 40 + (t.id * 31 + n) % 60 ELSE 1 + (t.id + n) % 8 END),
           x.type_id = 10, E'---\\n:channel_id: 3\\n:importer: faults\\n', 7, 7, x.at, x.at
      FROM t CROSS JOIN generate_series(1, t.article_count) n
     CROSS JOIN LATERAL (
       SELECT CASE WHEN n % 3 = 0 THEN 10 ELSE 1 END AS type_id, CASE WHEN n % 2 = 1 THEN 2 ELSE 1 END AS sender_id,
              '<' || t.id || '.' || n || '@faults.example.com>' AS mid,
              t.created_at + (t.updated_at - t.created_at) * (n / (t.article_count + 1.0)) AS at) x
    RETURNING id, ticket_id, type_id, created_by_id, created_at
  ), f AS (
    INSERT INTO zammad.ticket_article_flags (ticket_article_id, key, value, created_by_id, created_at, updated_at)
    SELECT a.id, 'seen', 'true', 7, a.created_at + interval '5 min', a.created_at + interval '5 min' FROM a WHERE a.id % 3 = 0
    RETURNING 1
  ), s AS (
    INSERT INTO zammad.stores (store_object_id, store_file_id, o_id, preferences, size, filename, created_by_id,
                               created_at, updated_at)
    SELECT ${object('store_objects', 'Ticket::Article')}, 100000 + a.id, a.id,
           E'---\\nContent-Type: application/pdf\\nMime-Type: application/pdf\\n', (10000 + a.id % 90000)::text,
           (ARRAY['Rechnung März.pdf', '截图 screenshot.png', 'log 📄.txt'])[1 + a.id % 3], a.created_by_id, a.created_at, a.created_at
      FROM a WHERE a.id % 4 = 1
    UNION ALL
    SELECT ${object('store_objects', 'Ticket::Article::Mail')}, 200000 + a.id, a.id, E'---\\n', (2000 + a.id % 50000)::text,
           'ticket-' || a.ticket_id || '-' || a.id || '.eml', a.created_by_id, a.created_at, a.created_at
      FROM a WHERE a.type_id = 1 AND a.id % 2 = 0
    RETURNING 1
  ), h AS (
    INSERT INTO zammad.histories (history_type_id, history_object_id, history_attribute_id, o_id, related_o_id,
                                  related_history_object_id, id_from, id_to, value_from, value_to, created_by_id,
                                  created_at, updated_at)
    SELECT 1, ${object('history_objects', 'Ticket::Article')}, NULL::int, a.id, a.ticket_id, ${object('history_objects', 'Ticket')},
           NULL::int, NULL::int, NULL::text, NULL::text, a.created_by_id, a.created_at, a.created_at FROM a
    UNION ALL
    SELECT 1, ${object('history_objects', 'Ticket')}, NULL, t.id, NULL, NULL, NULL, NULL, NULL, NULL, 7, t.created_at, t.created_at
      FROM t
    UNION ALL
    SELECT 2, ${object('history_objects', 'Ticket')}, 14, t.id, NULL, NULL, 1, t.state_id, 'new', s.name, 7, t.updated_at,
           t.updated_at
      FROM t JOIN zammad.ticket_states s ON s.id = t.state_id WHERE t.state_id <> 1
    RETURNING 1
  ), ta AS (
    INSERT INTO zammad.ticket_time_accountings (ticket_id, ticket_article_id, time_unit, type_id, created_by_id, created_at,
                                                updated_at)
    SELECT first.ticket_id, CASE WHEN first.ticket_id % 10 = 0 THEN first.id END, (first.ticket_id % 120) / 4.0 + 0.25,
           NULL, 7, first.created_at, first.created_at
      FROM (SELECT DISTINCT ON (ticket_id) ticket_id, id, created_at FROM a ORDER BY ticket_id, id) first
     WHERE first.ticket_id % 5 = 0
    RETURNING 1
  ), tg AS (
    INSERT INTO zammad.tags (tag_item_id, tag_object_id, o_id, created_by_id, created_at, updated_at)
    SELECT 1 + t.id % 30, ${object('tag_objects', 'Ticket')}, t.id, 7, t.updated_at, t.updated_at FROM t WHERE t.id % 4 = 0
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM a)::int AS articles, (SELECT count(*) FROM f)::int AS flags,
         (SELECT count(*) FROM s)::int AS stores, (SELECT count(*) FROM h)::int AS histories,
         (SELECT count(*) FROM ta)::int AS "timeAccountings", (SELECT count(*) FROM tg)::int AS tags`;

const AT = 'faults.at';
/** The database's clock as epoch ms, beside a returned row. */
const RETURNING = `RETURNING *, (extract(epoch FROM clock_timestamp()) * 1000)::bigint::text AS "${AT}"`;

/** An agent's internal note, as Zammad saves one: the article (its foreign key waits for a mover's lock on the ticket
 * and fails once the ticket is gone), its history, an attachment now and then, and the ticket saved with it
 * (updated_at, article_count: Ticket::Article's callbacks touch the ticket). */
const NEW_ARTICLE = `INSERT INTO zammad.ticket_articles (ticket_id, type_id, sender_id, "from", subject, content_type, body, internal,
                                       preferences, updated_by_id, created_by_id, created_at, updated_at)
   VALUES ($1::int, 10, 1, 'Agent 🧑‍💻 <agent@example.com>', '备注 Notiz', 'text/plain', repeat(${TEXTS}[1 + $2::int % 4], $2::int),
           true, E'---\\n', 7, 7, ${NOW}, ${NOW}) ${RETURNING}`;
const NEW_ARTICLE_HISTORY = `INSERT INTO zammad.histories (history_type_id, history_object_id, o_id, related_o_id, related_history_object_id,
                                 created_by_id, created_at, updated_at)
   VALUES (1, ${object('history_objects', 'Ticket::Article')}, $1::int, $2::int, ${object('history_objects', 'Ticket')}, 7, ${NOW}, ${NOW})
   ${RETURNING}`;
const NEW_ATTACHMENT = `INSERT INTO zammad.stores (store_object_id, store_file_id, o_id, preferences, size, filename, created_by_id,
                              created_at, updated_at)
   VALUES (${object('store_objects', 'Ticket::Article')}, 300000 + $1::int, $1::int, E'---\\nContent-Type: image/png\\n',
           '48213', 'screenshot 截图 ' || $1::int || '.png', 7, ${NOW}, ${NOW}) ${RETURNING}`;
const SAVE_TICKET = `UPDATE zammad.tickets SET updated_at = ${NOW}, last_contact_agent_at = ${NOW}, updated_by_id = 7,
          article_count = coalesce(article_count, 0) + 1
    WHERE id = $1::int RETURNING id`;
/** A notification recorded on the ticket (Zammad's Transaction::Notification adds a 'Ticket' history row and does not
 * save the ticket): the ticket's version does not change, only the parts check can see the new row. Written only
 * while the ticket is hot, as Rails loads it first (without a lock). */
const ADD_HISTORY = `INSERT INTO zammad.histories (history_type_id, history_object_id, o_id, value_to, created_by_id,
                                                  created_at, updated_at)
  SELECT 13, ${object('history_objects', 'Ticket')}, t.id, 'agent' || $2::int || '@example.com(email:online,email)', 1, ${NOW}, ${NOW}
    FROM zammad.tickets t WHERE t.id = $1::int
  ${RETURNING}`;
/** An agent edits an internal note's body (the ticket is not saved). */
const EDIT_ARTICLE = `UPDATE zammad.ticket_articles SET body = body || ' ✎ ' || $2::text, updated_at = ${NOW}, updated_by_id = 7
  WHERE id = $1::int ${RETURNING}`;

function written(path: string, rows: RowText[]): { rows: PartWrite['rows']; at?: number } {
  const out = rows.map((r) => {
    const row = { ...r };
    delete row[AT];
    return { path, key: row.id as string, row };
  });
  const at = rows[0]?.[AT];
  return { rows: out, ...(at ? { at: Number(at) } : {}) };
}

async function inTransaction<T>(db: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw err;
  } finally {
    client.release(broken);
  }
}

const GONE: PartWrite = { done: false, rows: [] };
const isForeignKeyViolation = (err: unknown) => (err as { code?: string }).code === '23503';

async function write(op: PartOp, db: pg.Pool, target: PartTarget, holdMs: number): Promise<PartWrite> {
  const p = ZAMMAD_PATHS;
  const n = 1 + Math.floor(Math.random() * 60);
  if (op === 'addArticle') {
    return inTransaction(db, async (c) => {
      const article = written(p.articles, (await c.query<RowText>(NEW_ARTICLE, [target.ticket, n])).rows);
      const id = article.rows[0]?.key as string;
      const rows = [...article.rows];
      rows.push(
        ...written(p.articleHistories, (await c.query<RowText>(NEW_ARTICLE_HISTORY, [id, target.ticket])).rows).rows,
      );
      if (n % 2 === 0) rows.push(...written(p.attachments, (await c.query<RowText>(NEW_ATTACHMENT, [id])).rows).rows);
      await c.query(SAVE_TICKET, [target.ticket]);
      return { done: true, rows, ...(article.at ? { at: article.at } : {}) };
    }).catch((err: unknown) => {
      if (isForeignKeyViolation(err)) return GONE;
      throw err;
    });
  }
  if (op === 'addHistory') {
    const w = written(p.histories, (await db.query<RowText>(ADD_HISTORY, [target.ticket, n])).rows);
    return { done: w.rows.length > 0, ...w };
  }
  if (target.article === undefined) return GONE;
  if (op === 'editArticle') {
    const w = written(p.articles, (await db.query<RowText>(EDIT_ARTICLE, [target.article, `edit ${n} 编辑`])).rows);
    return { done: w.rows.length > 0, ...w };
  }
  return inTransaction(db, async (c) => {
    const r = await c.query(`SELECT id FROM zammad.ticket_articles WHERE id = $1 FOR UPDATE`, [target.article]);
    if (r.rowCount === 0) return GONE;
    await sleep(holdMs);
    return { done: true, rows: [] };
  });
}

export function zammadFaultParts(): FaultParts {
  return { book: new PartBook(ZAMMAD_PATHS.articles), articlePath: ZAMMAD_PATHS.articles, loadSql: LOAD_SQL, write };
}
