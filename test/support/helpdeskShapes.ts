// The three help desks as their own code writes them (test/fixtures/helpdesks, docs/helpdesk-schemas.md): a ticket
// written with a state and an activity time, an agent's edit, its conversation (rows in every part table of the desk's
// spec: helpdesk<Desk>Parts.ts), a row of a site's table that a restricting foreign key ties to the ticket and that no
// spec covers, and watchers (the fixtures' cascading test_ticket_watchers). Activity columns are timestamps without
// time zone written in UTC, as each help desk writes them.
import { join } from 'node:path';
import { projectRoot } from '../../infra/local/settings.ts';
import { one, watchersPart, type Db, type PartTree } from './helpdeskParts.ts';
import { rtConversation, rtParts } from './helpdeskRtParts.ts';
import { zammadConversation, zammadParts } from './helpdeskZammadParts.ts';
import { ZNUNY_FIELDS_SQL, znunyArticleSeen, znunyConversation, znunyParts } from './helpdeskZnunyParts.ts';

export interface NewTicket {
  closed: boolean;
  /** The activity time is now (UTC) minus this. */
  ageSeconds: number;
  /** The value of the list column the test reads (listed by `list`). */
  listValue: number;
}

export interface DeskShape {
  desk: 'zammad' | 'znuny' | 'request-tracker';
  fixture: string;
  /** The business schema. */
  schema: string;
  /** The archived table, as SQL. */
  table: string;
  /** The key's SQL array type, for `= ANY($1::...)`. */
  keyArray: string;
  /** SQL the test adds to the fixture before anything else runs. */
  extraSql: string;
  insert(db: Db, t: NewTicket): Promise<string>;
  /** Closes a ticket with its activity `ageSeconds` ago (an import or a batch close). */
  close(db: Db, id: string, ageSeconds: number): Promise<void>;
  /** A change that leaves state and activity time as they are (a background job's): a new row version only. */
  touch(db: Db, id: string, text: string): Promise<void>;
  /** The column `touch` writes. */
  touchColumn: string;
  /** A row of a site's own table, test_ticket_holds (extraSql), under a foreign key without ON DELETE that no spec
   * covers: it holds its ticket back. */
  restricting: { constraint: string; add(db: Db, id: string): Promise<void> };
  /** The cascading test_ticket_watchers: rows added, the rows of `ids`, and the table as a part (the parts test's). */
  watchers: {
    add(db: Db, id: string, n: number): Promise<void>;
    count(db: Db, ids: string[]): Promise<number>;
    part: PartTree;
  };
  /** The parts of the desk's spec (connectors/specs), as the tests know them. */
  parts: PartTree[];
  /** Writes a ticket's conversation: rows in every part table of `parts`, at both levels, as the help desk does. */
  conversation: { add(db: Db, id: string): Promise<void> };
  /** Rows the help desk writes that no spec can cover and that reference a part row (Znuny's article_flag, a table
   * without a key column): each holds its ticket back. After conversation.add. */
  uncovered?: { constraint: string; add(db: Db, id: string): Promise<void> };
  /** A list of the spec whose column insert() fills with listValue. */
  list: string;
}

const fixture = (name: string) => join(projectRoot, 'test', 'fixtures', 'helpdesks', `${name}.sql`);
const utcAgo = (param: string) => `(now() AT TIME ZONE 'UTC') - make_interval(secs => ${param})`;

/** A site's own table whose restricting, indexed foreign key references the ticket (no spec covers it): the SQL that
 * creates it, and a row of it for a ticket. */
function holds(table: string, keyType: string): { sql: string; restricting: DeskShape['restricting'] } {
  const schema = table.split('.')[0] ?? '';
  return {
    sql: `CREATE TABLE ${schema}.test_ticket_holds (
            id serial PRIMARY KEY,
            ticket ${keyType} NOT NULL CONSTRAINT test_ticket_holds_ticket_fkey REFERENCES ${table} (id));
          CREATE INDEX test_ticket_holds_ticket ON ${schema}.test_ticket_holds (ticket);`,
    restricting: {
      constraint: 'test_ticket_holds_ticket_fkey',
      async add(db, id) {
        await db.query(`INSERT INTO ${schema}.test_ticket_holds (ticket) VALUES ($1)`, [id]);
      },
    },
  };
}
const zammadHolds = holds('zammad.tickets', 'integer');
const znunyHolds = holds('znuny.ticket', 'bigint');
// RT declares no foreign key to a ticket at all; the site's table stands in for one.
const rtHolds = holds('rt.tickets', 'integer');

const watchers = (schema: string, timeColumn: string, keyArray: string): DeskShape['watchers'] => ({
  async add(db, id, n) {
    await db.query(
      `INSERT INTO ${schema}.test_ticket_watchers (ticket_id, user_id, ${timeColumn})
       SELECT $1, u, now() AT TIME ZONE 'UTC' FROM generate_series(1, $2) u`,
      [id, n],
    );
  },
  async count(db, ids) {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${schema}.test_ticket_watchers WHERE ticket_id = ANY($1::${keyArray})`,
      [ids],
    );
    return Number(rows[0]?.n);
  },
  part: watchersPart(schema, keyArray === 'bigint[]' ? 'bigint' : 'integer'),
});

export const zammad: DeskShape = {
  desk: 'zammad',
  fixture: fixture('zammad'),
  schema: 'zammad',
  table: 'zammad.tickets',
  keyArray: 'integer[]',
  extraSql: zammadHolds.sql,
  // State 4 is 'closed' (type closed), 2 'open'; numbers, a numeric and text with every plane of Unicode.
  insert: (db, t) =>
    one(
      db,
      `INSERT INTO zammad.tickets (group_id, priority_id, state_id, number, title, owner_id, customer_id, time_unit,
                                   preferences, article_count, updated_by_id, created_by_id, created_at, updated_at)
       VALUES (3, 2, $1, md5(random()::text), 'Drucker 打印机 🖨️', 7, $2, 1.25, E'---\\n:channel_id: 3\\n', 0, 7, 7,
               ${utcAgo('$3')} - interval '1 day', ${utcAgo('$3')})
       RETURNING id::text AS id`,
      [t.closed ? 4 : 2, t.listValue, t.ageSeconds],
    ),
  async close(db, id, age) {
    await db.query(
      `UPDATE zammad.tickets SET state_id = 4, close_at = ${utcAgo('$2')}, updated_at = ${utcAgo('$2')} WHERE id = $1`,
      [id, age],
    );
  },
  async touch(db, id, text) {
    await db.query('UPDATE zammad.tickets SET note = $2 WHERE id = $1', [id, text]);
  },
  touchColumn: 'note',
  restricting: zammadHolds.restricting,
  watchers: watchers('zammad', 'created_at', 'integer[]'),
  parts: zammadParts,
  conversation: { add: zammadConversation },
  list: 'customer',
};

export const znuny: DeskShape = {
  desk: 'znuny',
  fixture: fixture('znuny'),
  schema: 'znuny',
  table: 'znuny.ticket',
  keyArray: 'bigint[]',
  extraSql: `${znunyHolds.sql}\n${ZNUNY_FIELDS_SQL}`,
  // State 2 is 'closed successful', 4 'open'; the owner (user_id) carries the list value.
  insert: (db, t) =>
    one(
      db,
      `INSERT INTO znuny.ticket (tn, title, queue_id, ticket_lock_id, user_id, responsible_user_id, ticket_priority_id,
                                 ticket_state_id, customer_id, customer_user_id, timeout, until_time, escalation_time,
                                 escalation_update_time, escalation_response_time, escalation_solution_time,
                                 create_time, create_by, change_time, change_by)
       VALUES (md5(random()::text), 'Störung 故障 ⚠', 2, 1, $2, 3, 3, $1, 'ACME', 'kunde@example.com', 0, 0, 0, 0, 0, 0,
               ${utcAgo('$3')} - interval '1 day', 3, ${utcAgo('$3')}, 3)
       RETURNING id::text AS id`,
      [t.closed ? 2 : 4, t.listValue, t.ageSeconds],
    ),
  async close(db, id, age) {
    await db.query(`UPDATE znuny.ticket SET ticket_state_id = 2, change_time = ${utcAgo('$2')} WHERE id = $1`, [
      id,
      age,
    ]);
  },
  async touch(db, id, text) {
    await db.query('UPDATE znuny.ticket SET title = $2 WHERE id = $1', [id, text]);
  },
  touchColumn: 'title',
  restricting: znunyHolds.restricting,
  watchers: watchers('znuny', 'create_time', 'bigint[]'),
  parts: znunyParts,
  conversation: { add: znunyConversation },
  uncovered: { constraint: 'fk_article_flag_article_id_id', add: znunyArticleSeen },
  list: 'owner',
};

export const requestTracker: DeskShape = {
  desk: 'request-tracker',
  fixture: fixture('request-tracker'),
  schema: 'rt',
  table: 'rt.tickets',
  keyArray: 'integer[]',
  extraSql: rtHolds.sql,
  // EffectiveId = id (not merged), as RT::Ticket::Create sets it; the owner carries the list value.
  insert: (db, t) =>
    one(
      db,
      `WITH n AS (SELECT nextval('rt.tickets_id_seq')::integer AS id)
       INSERT INTO rt.tickets (id, effectiveid, queue, type, owner, subject, status, lastupdatedby, lastupdated,
                               creator, created)
       SELECT n.id, n.id, 1, 'ticket', $2, 'Netzwerk 网络 🌐', $1, 12, ${utcAgo('$3')}, 12, ${utcAgo('$3')} - interval '1 day'
         FROM n
       RETURNING id::text AS id`,
      [t.closed ? 'resolved' : 'open', t.listValue, t.ageSeconds],
    ),
  async close(db, id, age) {
    await db.query(
      `UPDATE rt.tickets SET status = 'resolved', resolved = ${utcAgo('$2')}, lastupdated = ${utcAgo('$2')} WHERE id = $1`,
      [id, age],
    );
  },
  async touch(db, id, text) {
    await db.query('UPDATE rt.tickets SET description = $2 WHERE id = $1', [id, text]);
  },
  touchColumn: 'description',
  restricting: rtHolds.restricting,
  watchers: watchers('rt', 'created', 'integer[]'),
  parts: rtParts,
  conversation: { add: rtConversation },
  list: 'owner',
};
