// Zammad's parts (connectors/specs/zammad.yaml) and a ticket's conversation as Zammad writes it: articles with their
// flags, attachments, raw mail and history, the ticket's time accounting, history and tags; both levels, both kinds of
// link (foreign keys; (type, id) pairs whose type is looked up by name). Conventions: helpdeskParts.ts.
import { randomUUID } from 'node:crypto';
import { largeText, one, type Db, type PartTree } from './helpdeskParts.ts';

const zTime = (minutes: number) =>
  `(SELECT created_at FROM zammad.tickets WHERE id = $1::integer) + interval '${minutes} min'`;
const lookup = (table: string, name: string) => `(SELECT id FROM zammad.${table} WHERE name = '${name}')`;

/** Zammad: three articles (a customer's email with its raw mail, an attachment and a flag; an agent's reply; an
 * internal note with time accounted on it), each with its history; the ticket's history, time and tags. */
export async function zammadConversation(db: Db, id: string): Promise<void> {
  const article = (type: number, sender: number, internal: boolean, by: number, minutes: number, body: string) =>
    one(
      db,
      `INSERT INTO zammad.ticket_articles (ticket_id, type_id, sender_id, "from", "to", subject, message_id,
         message_id_md5, content_type, body, internal, preferences, updated_by_id, created_by_id, created_at, updated_at)
       VALUES ($1, $2, $3, 'Kundin Ärger <kundin@example.com>', 'support@example.com', 'Drucker 打印机 🖨️ druckt nicht',
               $4::text, md5($4::text), 'text/html', $5, $6, E'---\\nchannel_id: 3\\n', $7, $7, ${zTime(minutes)}, ${zTime(minutes)})
       RETURNING id::text AS id`,
      [id, type, sender, `<${randomUUID()}@example.com>`, body, internal, by],
    );
  const mail = await article(1, 2, false, 9, 0, `<p>${largeText(200)}</p>`);
  const reply = await article(1, 1, false, 7, 30, '<p>Bitte den Treiber neu installieren.</p>');
  const note = await article(10, 1, true, 7, 45, 'Treiber 4.2 hilft; Kunde informiert.');
  await db.query(
    `INSERT INTO zammad.ticket_article_flags (ticket_article_id, key, value, created_by_id, created_at, updated_at)
     VALUES ($2, 'seen', 'true', 7, ${zTime(31)}, ${zTime(31)})`,
    [id, mail],
  );
  // Attachments and the raw mail (store_files, which hold the bytes, are left out of the fixture; their ids stay).
  await db.query(
    `INSERT INTO zammad.stores (store_object_id, store_file_id, o_id, preferences, size, filename, created_by_id,
                                created_at, updated_at)
     VALUES (${lookup('store_objects', 'Ticket::Article')}, 1001, $2,
             E'---\\nContent-Type: application/pdf\\nMime-Type: application/pdf\\n', '183204', 'Rechnung März.pdf', 9,
             ${zTime(0)}, ${zTime(0)}),
            (${lookup('store_objects', 'Ticket::Article::Mail')}, 1002, $2, E'---\\n', '212877',
             'ticket-' || (SELECT number FROM zammad.tickets WHERE id = $1::integer) || '-' || $2::text || '.eml', 9, ${zTime(0)},
             ${zTime(0)})`,
    [id, mail],
  );
  await db.query(
    `INSERT INTO zammad.ticket_time_accountings (ticket_id, ticket_article_id, time_unit, created_by_id, created_at,
                                                 updated_at)
     VALUES ($1, $2, 15.00, 7, ${zTime(45)}, ${zTime(45)}), ($1, NULL, 2.50, 7, ${zTime(50)}, ${zTime(50)})`,
    [id, note],
  );
  // Histories: each article's ('Ticket::Article', o_id, related to the ticket) and the ticket's own ('Ticket').
  await db.query(
    `INSERT INTO zammad.histories (history_type_id, history_object_id, history_attribute_id, o_id, related_o_id,
       related_history_object_id, id_from, id_to, value_from, value_to, created_by_id, created_at, updated_at)
     SELECT 1, ${lookup('history_objects', 'Ticket::Article')}, NULL, a.id, $1::integer, ${lookup('history_objects', 'Ticket')},
            NULL, NULL, NULL, NULL, a.created_by_id, a.created_at, a.created_at
       FROM zammad.ticket_articles a WHERE a.id = ANY($2::integer[])
     UNION ALL
     SELECT v.type_id, ${lookup('history_objects', 'Ticket')}, v.attribute_id, $1::integer, NULL, NULL, v.id_from, v.id_to,
            v.value_from, v.value_to, 7, ${zTime(0)}, ${zTime(0)}
       FROM (VALUES (1, NULL::integer, NULL::integer, NULL::integer, NULL, NULL),
                    (2, 14, 1, 2, 'new', 'open')) AS v (type_id, attribute_id, id_from, id_to, value_from, value_to)`,
    [id, [mail, reply, note]],
  );
  await db.query(
    `INSERT INTO zammad.tags (tag_item_id, tag_object_id, o_id, created_by_id, created_at, updated_at)
     VALUES (11, ${lookup('tag_objects', 'Ticket')}, $1, 7, ${zTime(32)}, ${zTime(32)}),
            (12, ${lookup('tag_objects', 'Ticket')}, $1, 7, ${zTime(32)}, ${zTime(32)})`,
    [id],
  );
}

export const zammadParts: PartTree[] = [
  {
    name: 'articles',
    table: 'zammad.ticket_articles',
    key: 'id',
    keyType: 'integer',
    link: 'ticket_id',
    parts: [
      {
        name: 'articleFlags',
        table: 'zammad.ticket_article_flags',
        key: 'id',
        keyType: 'integer',
        link: 'ticket_article_id',
      },
      {
        name: 'attachments',
        table: 'zammad.stores',
        key: 'id',
        keyType: 'integer',
        link: 'o_id',
        where: "p.store_object_id = (SELECT id FROM zammad.store_objects WHERE name = 'Ticket::Article')",
      },
      {
        name: 'articleMails',
        table: 'zammad.stores',
        key: 'id',
        keyType: 'integer',
        link: 'o_id',
        where: "p.store_object_id = (SELECT id FROM zammad.store_objects WHERE name = 'Ticket::Article::Mail')",
      },
      {
        name: 'articleHistories',
        table: 'zammad.histories',
        key: 'id',
        keyType: 'integer',
        link: 'o_id',
        where: "p.history_object_id = (SELECT id FROM zammad.history_objects WHERE name = 'Ticket::Article')",
      },
    ],
  },
  {
    name: 'timeAccountings',
    table: 'zammad.ticket_time_accountings',
    key: 'id',
    keyType: 'integer',
    link: 'ticket_id',
  },
  {
    name: 'histories',
    table: 'zammad.histories',
    key: 'id',
    keyType: 'integer',
    link: 'o_id',
    where: "p.history_object_id = (SELECT id FROM zammad.history_objects WHERE name = 'Ticket')",
  },
  {
    name: 'tags',
    table: 'zammad.tags',
    key: 'id',
    keyType: 'integer',
    link: 'o_id',
    where: "p.tag_object_id = (SELECT id FROM zammad.tag_objects WHERE name = 'Ticket')",
  },
];
