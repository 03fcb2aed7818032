// Request Tracker's parts (connectors/specs/request-tracker.yaml) and a ticket's rows as RT writes them: the role
// groups RT::Ticket::Create makes (RT::Group::_Create: a principal, the group, the group's cached membership of itself
// and its Create transaction; the Owner group's member Nobody, the Requestor group's member the customer), and the
// ticket's transactions (Create with a MIME tree of attachments, a reply with a recipient squelched, a comment with
// time worked, a status change) and an attribute. RT declares no foreign key: every link is an id column, most of
// them the id of an (ObjectType, ObjectId) pair. Conventions: helpdeskParts.ts. Users are left out of the fixture:
// 6 stands for Nobody, 12 for an agent, 40 for the customer.
import { randomUUID } from 'node:crypto';
import { base64File, largeText, one, type Db, type PartTree } from './helpdeskParts.ts';

const t = (minutes: number) => `(SELECT created FROM rt.tickets WHERE id = $1::integer) + interval '${minutes} min'`;
const NOBODY = 6;
const AGENT = 12;
const CUSTOMER = 40;

/** A row of CachedGroupMembers, its Via its own id (a direct membership), as RT::CachedGroupMember::Create writes. */
const cachedMember = (group: string, member: string) =>
  `INSERT INTO rt.cachedgroupmembers (id, groupid, memberid, via, immediateparentid, disabled)
   SELECT n.id, ${group}, ${member}, n.id, ${group}, 0 FROM (SELECT nextval('rt.cachedgroupmembers_id_seq')::integer AS id) n`;

async function roleGroup(db: Db, id: string, role: string, member: number | undefined): Promise<void> {
  const group = await one(
    db,
    `WITH pr AS (INSERT INTO rt.principals (principaltype, disabled) VALUES ('Group', 0) RETURNING id)
     INSERT INTO rt.groups (id, name, description, domain, instance, creator, created, lastupdatedby, lastupdated)
     SELECT pr.id, $2, '', 'RT::Ticket-Role', $1, $3, ${t(0)}, $3, ${t(0)} FROM pr
     RETURNING id::text AS id`,
    [id, role, CUSTOMER],
  );
  await db.query(cachedMember('$1::integer', '$1::integer'), [group]);
  await db.query(
    `INSERT INTO rt.transactions (objecttype, objectid, type, creator, created)
     VALUES ('RT::Group', $2, 'Create', $3, ${t(0)})`,
    [id, group, CUSTOMER],
  );
  if (member === undefined) return;
  await db.query(
    `INSERT INTO rt.groupmembers (groupid, memberid, creator, created, lastupdatedby, lastupdated)
     VALUES ($2, $3, $4, ${t(0)}, $4, ${t(0)})`,
    [id, group, member, CUSTOMER],
  );
  await db.query(cachedMember('$1::integer', '$2::integer'), [group, member]);
}

async function transaction(
  db: Db,
  id: string,
  by: number,
  minutes: number,
  fields: { type: string; field?: string; oldValue?: string; newValue?: string; timeTaken?: number },
): Promise<string> {
  return one(
    db,
    `INSERT INTO rt.transactions (objecttype, objectid, timetaken, timeworker, timeworkeddate, type, field, oldvalue,
                                  newvalue, creator, created)
     VALUES ('RT::Ticket', $1, $2, CASE WHEN $2 > 0 THEN $3 ELSE 0 END,
             CASE WHEN $2 > 0 THEN (${t(minutes)})::date END, $4, $5, $6, $7, $3, ${t(minutes)})
     RETURNING id::text AS id`,
    [
      id,
      fields.timeTaken ?? 0,
      by,
      fields.type,
      fields.field ?? null,
      fields.oldValue ?? null,
      fields.newValue ?? null,
    ],
  );
}

/** An attachment row; returns its id. Text is stored as is ('none'), binary as base64 (RT::Record::_EncodeLOB). */
function attachment(
  db: Db,
  id: string,
  tx: string,
  parent: string,
  a: { subject?: string; filename?: string; type: string; encoding?: string; content?: string; headers: string },
  by: number,
  minutes: number,
): Promise<string> {
  return one(
    db,
    `INSERT INTO rt.attachments (transactionid, parent, messageid, subject, filename, contenttype, contentencoding,
                                 content, headers, creator, created)
     VALUES ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ${t(minutes)}) RETURNING id::text AS id`,
    [
      id,
      tx,
      parent,
      parent === '0' ? `<rt-${randomUUID()}@example.com>` : '',
      a.subject ?? '',
      a.filename ?? null,
      a.type,
      a.encoding ?? null,
      a.content ?? null,
      a.headers,
      by,
    ],
  );
}

const attribute = (db: Db, id: string, objectType: string, objectId: string, content: string, by: number) =>
  db.query(
    `INSERT INTO rt.attributes (name, description, content, contenttype, objecttype, objectid, creator, created,
                                lastupdatedby, lastupdated)
     VALUES ('SquelchMailTo', '', $2, '', $3, $4, $5, ${t(30)}, $5, ${t(30)})`,
    [id, content, objectType, objectId, by],
  );

/** RT: the four role groups, then the ticket's Create (a multipart message: its text and a PDF), a reply to the
 * customer with the Cc squelched, a comment with 15 minutes worked, a status change; the ticket's SquelchMailTo. */
export async function rtConversation(db: Db, id: string): Promise<void> {
  for (const [role, member] of [
    ['AdminCc', undefined],
    ['Cc', undefined],
    ['Owner', NOBODY],
    ['Requestor', CUSTOMER],
  ] as const)
    await roleGroup(db, id, role, member);
  const subject = 'Netzwerk 网络 🌐 ausgefallen';
  const create = await transaction(db, id, CUSTOMER, 0, { type: 'Create' });
  const top = await attachment(
    db,
    id,
    create,
    '0',
    { subject, type: 'multipart/mixed', headers: `Subject: ${subject}\nFrom: kunde@example.com\n` },
    CUSTOMER,
    0,
  );
  for (const part of [
    {
      type: 'text/plain',
      encoding: 'none',
      content: largeText(200),
      headers: 'Content-Type: text/plain; charset="utf-8"\n',
    },
    {
      filename: 'Rechnung-2026.pdf',
      type: 'application/pdf',
      encoding: 'base64',
      content: base64File(150),
      headers: 'Content-Type: application/pdf; name="Rechnung-2026.pdf"\nContent-Disposition: attachment\n',
    },
  ])
    await attachment(db, id, create, top, part, CUSTOMER, 0);
  const reply = await transaction(db, id, AGENT, 30, { type: 'Correspond' });
  await attachment(
    db,
    id,
    reply,
    '0',
    {
      subject,
      type: 'text/plain',
      encoding: 'none',
      content: 'Bitte den Router neu starten.',
      headers: 'X-RT-Loop-Prevention: example\n',
    },
    AGENT,
    30,
  );
  await attribute(db, id, 'RT::Transaction', reply, 'cc@example.com', AGENT);
  const comment = await transaction(db, id, AGENT, 45, { type: 'Comment', timeTaken: 15 });
  await attachment(
    db,
    id,
    comment,
    '0',
    { type: 'text/plain', encoding: 'none', content: 'Router getauscht.', headers: 'X-RT-Interface: Web\n' },
    AGENT,
    45,
  );
  await transaction(db, id, AGENT, 46, { type: 'Status', field: 'Status', oldValue: 'new', newValue: 'open' });
  await attribute(db, id, 'RT::Ticket', id, 'noreply@example.com', AGENT);
}

const part = (name: string, table: string, keyType: PartTree['keyType'], link: string, where?: string): PartTree => ({
  name,
  table: `rt.${table}`,
  key: 'id',
  keyType,
  link,
  ...(where === undefined ? {} : { where }),
});

export const rtParts: PartTree[] = [
  {
    ...part('transactions', 'transactions', 'bigint', 'objectid', "p.objecttype = 'RT::Ticket'"),
    parts: [
      part('attachments', 'attachments', 'bigint', 'transactionid'),
      part('transactionAttributes', 'attributes', 'integer', 'objectid', "p.objecttype = 'RT::Transaction'"),
    ],
  },
  part('attributes', 'attributes', 'integer', 'objectid', "p.objecttype = 'RT::Ticket'"),
  {
    ...part('roleGroups', 'groups', 'integer', 'instance', "p.domain = 'RT::Ticket-Role'"),
    parts: [
      part('rolePrincipals', 'principals', 'integer', 'id'),
      part('roleMembers', 'groupmembers', 'integer', 'groupid'),
      part('roleCachedMembers', 'cachedgroupmembers', 'integer', 'groupid'),
      part('roleTransactions', 'transactions', 'bigint', 'objectid', "p.objecttype = 'RT::Group'"),
    ],
  },
];
