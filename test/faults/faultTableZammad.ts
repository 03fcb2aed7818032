// The fault suite on a Zammad-shaped table: zammad.tickets of test/fixtures/helpdesks/zammad.sql in a database of its
// own on the fault stack's server, archived with connectors/specs/zammad.yaml (integer key, xmin as the version,
// updated_at a timestamp(3) without time zone written in UTC, closed through the state lookups). What a fault does to
// a table whose version no column carries and whose times name no zone is what this run is for.
import { readFileSync } from 'node:fs';
import type { StackEnv } from '../../infra/local/stack.ts';
import { eventsTopic } from '../../services/core/spec/connectorConfig.ts';
import { pgTimestampMs } from '../../services/core/timestamps.ts';
import { loadArchiveSpec } from '../../services/runtime/archiveSpecFile.ts';
import { archiverEnv } from '../support/archiverEnv.ts';
import {
  createDeskDatabase,
  deskEnv,
  deskNames,
  deskSpecFile,
  dropColdDatabase,
  registerDeskConnector,
} from '../support/helpdeskStack.ts';
import { zammad } from '../support/helpdeskShapes.ts';
import { runCli } from '../support/runCli.ts';
import { specFile } from '../support/specs.ts';
import type { FaultTable } from './faultTable.ts';
import { ZAMMAD_PATHS, zammadFaultParts } from './faultPartsZammad.ts';
import { partPlans } from '../../services/core/spec/partPlan.ts';

/** The states the spec calls closed (its rowFilter: 4 closed, 5 merged), as the suite's own rule reads them. */
const CLOSED_STATES = ['4', '5'];
/** Zammad writes UTC wall-clock times into columns without a zone (ActiveRecord's default_timezone :utc). */
const NOW = `(now() AT TIME ZONE 'UTC')`;
/** Ticket numbers are unique (index_tickets_on_number): each insert draws one. */
const NUMBER = `'FT' || replace(gen_random_uuid()::text, '-', '')`;

export function zammadFaultTable(): FaultTable {
  const names = deskNames('faults_zammad');
  // The example spec with this database's connector, slot and topic prefix, so the archiver's pipeline watch and
  // status follow the desk's connector rather than the stack's own.
  const file = deskSpecFile(specFile('zammad'), names);
  const spec = loadArchiveSpec(file);
  const topic = eventsTopic(spec, { name: names.connector, config: { 'topic.prefix': names.topicPrefix } });
  const settings = { ARCHIVE_SPEC: file, COLD_DATABASE: names.database };
  const paths = new Set(partPlans(spec).map((p) => p.path));
  const missing = Object.values(ZAMMAD_PATHS).filter((p) => !paths.has(p));
  if (missing.length > 0)
    throw new Error(`${file}: the suite writes parts the spec does not name: ${missing.join(', ')}`);
  const parts = zammadFaultParts();
  return {
    name: 'zammad',
    sql: zammad.table,
    collection: zammad.table,
    key: 'id',
    keyArray: zammad.keyArray,
    spec,
    settings,
    coldDatabase: names.database,
    parts,
    async prepare(env: StackEnv, log) {
      parts.book.clear();
      await createDeskDatabase(env, names, readFileSync(zammad.fixture, 'utf8'));
      await dropColdDatabase(env, names.database);
      const desk = deskEnv(env, names.database, topic);
      const migrated = await runCli(['migrate'], archiverEnv(desk, settings), 180_000);
      if (migrated.code !== 0)
        throw new Error(`migrate exited ${migrated.code}:\n${migrated.stdout}${migrated.stderr}`);
      await registerDeskConnector(desk, names, file);
      log(`zammad.tickets in database ${names.database}: migrated, connector ${names.connector} on topic ${topic}`);
      return desk;
    },
    // Of each 20: 7 closed and 1 merged long ago (cold), 3 closed and due soon, 9 in the other states (new, open,
    // pending reminder, removed, pending close) with activity up to 60 days old: 'removed' and 'pending close' are
    // closed-looking but not closed for Zammad, so they must stay hot however old. Preferences (YAML text) carry a few
    // KB of Chinese, English and emoji; time_unit a numeric, several timestamps with milliseconds; article_count (1 to 4)
    // the number of articles of its conversation (faultPartsZammad.ts).
    loadSql: `WITH ins AS (
         INSERT INTO zammad.tickets (group_id, priority_id, state_id, organization_id, number, title, owner_id,
                                     customer_id, first_response_at, close_at, last_close_at, last_contact_at,
                                     article_count, time_unit, preferences, updated_by_id, created_by_id, created_at,
                                     updated_at)
         SELECT 1 + g % 12, 1 + g % 3, x.state, CASE WHEN g % 3 = 0 THEN NULL ELSE 1 + g % 97 END, ${NUMBER},
                (ARRAY['退款申请 refund request', 'Login fails after update 🔐', '发票抬头修改', 'Where is my parcel? 📦', '账号被锁定 locked out'])[1 + g % 5] || ' #' || g,
                1 + g % 50, 100000 + g % 7919, x.created + interval '17 minutes 0.125 seconds',
                CASE WHEN x.state IN (4, 5) THEN x.t END, CASE WHEN x.state IN (4, 5) THEN x.t END, x.t,
                1 + (g / 3) % 4, (g % 99999) / 100.0,
                E'---\\n:channel_id: 3\\n:body: ' || repeat((ARRAY['您好，我的订单一直没有发货，请帮忙查询。', 'Hello, the app crashes when I open settings. ', '谢谢 🙏 thanks a lot! ', 'Steps: 1) open 2) tap 3) 💥 '])[1 + g % 4], 1 + (g * 7919) % 90),
                7, 7, x.created, x.t
           FROM generate_series($1::int, $2::int) g
          CROSS JOIN LATERAL (
            SELECT CASE WHEN g % 20 < 7 THEN 4 WHEN g % 20 = 7 THEN 5 WHEN g % 20 < 11 THEN 4
                        ELSE (ARRAY[1, 2, 3, 6, 7])[1 + g % 5] END AS state,
                   ${NOW} - interval '200 days' + (g % 1000) * interval '1 minute' AS created,
                   CASE
                     WHEN g % 20 < 8 THEN ${NOW} - $3 * interval '1 second' - interval '1 hour' - (g % 100000) * interval '2 minutes'
                     WHEN g % 20 < 11 THEN ${NOW} - $3 * interval '1 second' + (60 + g % 180) * interval '1 second'
                     ELSE ${NOW} - (g % 86400) * interval '1 minute'
                   END AS t) x
         RETURNING id)
       SELECT min(id)::text AS first, max(id)::text AS last FROM ins`,
    traffic: {
      // A customer's follow-up: Zammad moves the ticket to its follow-up state (open) and saves it.
      reopen: `UPDATE zammad.tickets SET state_id = 2, updated_at = ${NOW}, last_contact_customer_at = ${NOW},
                      article_count = coalesce(article_count, 0) + 1
                WHERE id = $1 RETURNING id::text AS id`,
      // A background job writing with update_columns (no callbacks, updated_at kept): still cold, and only xmin tells
      // the new version from the copied one.
      touch: `UPDATE zammad.tickets SET time_unit = coalesce(time_unit, 0) + 0.25 WHERE id = $1 RETURNING id::text AS id`,
      edit: `UPDATE zammad.tickets SET title = left(title || ' ✎', 250), updated_at = ${NOW}, updated_by_id = 9
              WHERE id = $1 AND state_id NOT IN (4, 5) RETURNING id::text AS id`,
      close: `UPDATE zammad.tickets SET state_id = 4, close_at = ${NOW}, last_close_at = ${NOW}, updated_at = ${NOW}
               WHERE id = $1 AND state_id NOT IN (4, 5) RETURNING id::text AS id`,
      insert: `INSERT INTO zammad.tickets (group_id, priority_id, state_id, number, title, owner_id, customer_id,
                                          article_count, preferences, updated_by_id, created_by_id, created_at, updated_at)
               SELECT 1 + (random() * 11)::int, 2, CASE WHEN $1 THEN 4 ELSE 1 END, ${NUMBER}, '新工单 new ticket 🆕', 1,
                      200000 + (random() * 1000)::int, 1, repeat('请尽快处理 please help ', 1 + (random() * 50)::int), 1, 1,
                      ${NOW}, CASE WHEN $1 THEN ${NOW} - $2 * interval '1 second' - interval '1 day' ELSE ${NOW} END
               RETURNING id::text AS id`,
    },
    canarySql: `INSERT INTO zammad.tickets (group_id, priority_id, state_id, number, title, owner_id, customer_id,
                                           updated_by_id, created_by_id, created_at, updated_at)
                VALUES (1, 2, 4, 'canary-' || gen_random_uuid()::text, 'canary', 1, 1, 1, 1, ${NOW} - interval '1 day',
                        ${NOW} - $1 * interval '1 second' - interval '1 hour')
                RETURNING id::text AS id`,
    overdueSql: `state_id IN (4, 5) AND updated_at < ${NOW} - ($1::bigint * interval '1 millisecond')`,
    addColumnSql: (column) => `ALTER TABLE zammad.tickets ADD COLUMN ${column} text NOT NULL DEFAULT 'normal'`,
    closed: (row) => CLOSED_STATES.includes(row.state_id ?? ''),
    // PostgreSQL's text of a timestamp without time zone ("2026-11-24 10:15:02.125"), read in UTC.
    activityMs: (row) => pgTimestampMs(`${row.updated_at ?? ''}+00`),
    activityColumn: 'updated_at',
  };
}
