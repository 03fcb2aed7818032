// Znuny's parts (connectors/specs/znuny.yaml) and a ticket's conversation as Znuny's ArticleCreate writes it
// (Kernel/System/Ticket/Article/Backend/MIMEBase.pm and ArticleStorageDB.pm): per article its row, its mail data, its
// attachments (base64 on PostgreSQL), its history entry and its search index words; the ticket's own history, time
// accounting and dynamic field values. Both levels, both kinds of link (foreign keys; dynamic field values by the
// field's object type). Conventions: helpdeskParts.ts. The dynamic fields are the site's configuration:
// ZNUNY_FIELDS_SQL, added to the fixture by the shape.
import { randomUUID } from 'node:crypto';
import { base64File, largeText, one, type Db, type PartTree } from './helpdeskParts.ts';

/** A dynamic field of each object type, as an admin creates them (Znuny ships none). */
export const ZNUNY_FIELDS_SQL = `INSERT INTO znuny.dynamic_field (internal_field, name, label, field_order, field_type,
    object_type, config, valid_id, create_time, create_by, change_time, change_by)
  VALUES (0, 'Category', 'Category', 1, 'Dropdown', 'Ticket', E'---\\nPossibleValues:\\n  hw: Hardware\\n', 1,
          now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC', 1),
         (0, 'ExternalReference', 'External reference', 2, 'Text', 'Article', E'---\\nDefaultValue: ''''\\n', 1,
          now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC', 1);`;

const t = (minutes: number) =>
  `(SELECT create_time FROM znuny.ticket WHERE id = $1::bigint) + interval '${minutes} min'`;
const field = (name: string) => `(SELECT id FROM znuny.dynamic_field WHERE name = '${name}')`;

interface NewArticle {
  /** article_sender_type: 1 agent, 3 customer; communication_channel: 1 Email, 3 Internal (initial_insert's order). */
  sender: number;
  channel: number;
  visible: number;
  by: number;
  minutes: number;
  body: string;
  /** ticket_history_type by initial_insert's ids: 1 NewTicket, 8 SendAnswer, 12 EmailCustomer, 15 AddNote,
   * 20 TimeAccounting. */
  history: [type: number, name: string];
  attachments: Array<{ filename: string; type: string; content: string }>;
}

async function article(db: Db, id: string, a: NewArticle): Promise<string> {
  const articleId = await one(
    db,
    `INSERT INTO znuny.article (ticket_id, article_sender_type_id, communication_channel_id, is_visible_for_customer,
                                search_index_needs_rebuild, insert_fingerprint, create_time, create_by, change_time,
                                change_by)
     VALUES ($1, $2, $3, $4, 0, $5, ${t(a.minutes)}, $6, ${t(a.minutes)}, $6) RETURNING id::text AS id`,
    [id, a.sender, a.channel, a.visible, `${process.pid}-${randomUUID()}`, a.by],
  );
  const messageId = `<${randomUUID()}@example.com>`;
  await db.query(
    `INSERT INTO znuny.article_data_mime (article_id, a_from, a_to, a_subject, a_message_id, a_message_id_md5,
       a_content_type, a_body, incoming_time, content_path, create_time, create_by, change_time, change_by)
     VALUES ($2, '"Kunde Öz" <kunde@example.com>', 'support@example.com', 'Störung 故障 ⚠', $3::text, md5($3::text),
             'text/plain; charset=utf-8', $4, extract(epoch FROM ${t(a.minutes)})::integer,
             to_char(${t(a.minutes)}, 'YYYY/MM/DD'), ${t(a.minutes)}, $5, ${t(a.minutes)}, $5)`,
    [id, articleId, messageId, a.body, a.by],
  );
  for (const file of a.attachments)
    await db.query(
      `INSERT INTO znuny.article_data_mime_attachment (article_id, filename, content_size, content_type, content,
         disposition, create_time, create_by, change_time, change_by)
       VALUES ($2, $3, length(decode($5, 'base64'))::text, $4, $5, 'attachment', ${t(a.minutes)}, $6,
               ${t(a.minutes)}, $6)`,
      [id, articleId, file.filename, file.type, file.content, a.by],
    );
  await history(db, id, articleId, a.history, a.minutes, a.by);
  // ArticleSearchIndexBuild (StaticDB): the article's words per field, lower-cased.
  await db.query(
    `INSERT INTO znuny.article_search_index (ticket_id, article_id, article_key, article_value)
     SELECT $1, m.article_id, k.key, lower(k.value)
       FROM znuny.article_data_mime m
       CROSS JOIN LATERAL (VALUES ('MIMEBase_From', m.a_from), ('MIMEBase_To', m.a_to),
                                  ('MIMEBase_Subject', m.a_subject), ('MIMEBase_Body', left(m.a_body, 3800))) AS k (key, value)
      WHERE m.article_id = $2`,
    [id, articleId],
  );
  return articleId;
}

async function history(
  db: Db,
  id: string,
  articleId: string | null,
  [type, name]: [number, string],
  minutes: number,
  by: number,
): Promise<void> {
  await db.query(
    `INSERT INTO znuny.ticket_history (name, history_type_id, ticket_id, article_id, type_id, queue_id, owner_id,
                                       priority_id, state_id, create_time, create_by, change_time, change_by)
     SELECT $3, $4, t.id, $2, 1, t.queue_id, t.user_id, t.ticket_priority_id, t.ticket_state_id, ${t(minutes)}, $5,
            ${t(minutes)}, $5
       FROM znuny.ticket t WHERE t.id = $1`,
    [id, articleId, name, type, by],
  );
}

/** Znuny: a customer's email (its HTML body and a PDF as attachments), an agent's answer with time accounted on it,
 * an internal note; the ticket's NewTicket history, time without an article, and a dynamic field value of each kind. */
export async function znunyConversation(db: Db, id: string): Promise<void> {
  await history(db, id, null, [1, '%%Störung 故障 ⚠%%Raw%%3 normal%%new%%1'], 0, 3);
  const mail = await article(db, id, {
    sender: 3,
    channel: 1,
    visible: 1,
    by: 3,
    minutes: 0,
    body: largeText(200),
    history: [12, '%%kunde@example.com'],
    attachments: [
      {
        filename: 'file-2',
        type: 'text/html; charset="utf-8"',
        content: Buffer.from('<p>Störung</p>').toString('base64'),
      },
      { filename: 'Rechnung März.pdf', type: 'application/pdf', content: base64File(150) },
    ],
  });
  const answer = await article(db, id, {
    sender: 1,
    channel: 1,
    visible: 1,
    by: 3,
    minutes: 30,
    body: 'Bitte den Router neu starten.',
    history: [8, '%%kunde@example.com'],
    attachments: [],
  });
  await article(db, id, {
    sender: 1,
    channel: 3,
    visible: 0,
    by: 3,
    minutes: 45,
    body: 'Router getauscht.',
    history: [15, '%%Note'],
    attachments: [],
  });
  await db.query(
    `INSERT INTO znuny.time_accounting (ticket_id, article_id, time_unit, create_time, create_by, change_time, change_by)
     VALUES ($1, $2, 15.00, ${t(30)}, 3, ${t(30)}, 3), ($1, NULL, 2.50, ${t(50)}, 3, ${t(50)}, 3)`,
    [id, answer],
  );
  await history(db, id, answer, [20, '%%15'], 30, 3);
  await db.query(
    `INSERT INTO znuny.dynamic_field_value (field_id, object_id, value_text)
     VALUES (${field('Category')}, $1::bigint, 'hw'),
            (${field('ExternalReference')}, $2::bigint, 'INC-' || $2::bigint::text)`,
    [id, mail],
  );
}

/** Article flags Znuny writes when an agent reads an article ('Seen'): article_flag has no key column, so no spec
 * covers it, and its foreign key to article holds the ticket back. */
export async function znunyArticleSeen(db: Db, id: string): Promise<void> {
  await db.query(
    `INSERT INTO znuny.article_flag (article_id, article_key, article_value, create_time, create_by)
     SELECT a.id, 'Seen', '1', a.create_time + interval '5 min', 3 FROM znuny.article a WHERE a.ticket_id = $1`,
    [id],
  );
}

const byArticle = (name: string, table: string): PartTree => ({
  name,
  table: `znuny.${table}`,
  key: 'id',
  keyType: 'bigint',
  link: 'article_id',
});
const byTicket = (name: string, table: string): PartTree => ({ ...byArticle(name, table), link: 'ticket_id' });
const fieldValues = (name: string, objectType: string): PartTree => ({
  name,
  table: 'znuny.dynamic_field_value',
  key: 'id',
  keyType: 'integer',
  link: 'object_id',
  where: `p.field_id IN (SELECT f.id FROM znuny.dynamic_field f WHERE f.object_type = '${objectType}')`,
});

export const znunyParts: PartTree[] = [
  {
    ...byTicket('articles', 'article'),
    parts: [
      byArticle('articleMimes', 'article_data_mime'),
      byArticle('attachments', 'article_data_mime_attachment'),
      fieldValues('articleFieldValues', 'Article'),
    ],
  },
  byTicket('searchIndex', 'article_search_index'),
  byTicket('histories', 'ticket_history'),
  byTicket('timeAccountings', 'time_accounting'),
  fieldValues('fieldValues', 'Ticket'),
];
