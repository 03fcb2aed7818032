// The table a fault run archives: the brief's public.tickets (the default, on the stack's own database with the
// default spec) or a help desk's (a database of its own on the same server, its example spec, its own connector, slot,
// topic and cold database). Everything the suite writes or judges about a ticket goes through here: the bulk load, the
// business traffic, the canary, the schema change, and the suite's own rule of which rows are cold (independent of the
// product's spec evaluation).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import type { RowText } from '../../services/core/move/coldDocument.ts';
import type { ArchiveSpec } from '../../services/core/spec/archiveSpec.ts';
import { SIGNAL_TABLE } from '../../services/core/spec/connectorConfig.ts';
import { pgTimestampMs } from '../../services/core/timestamps.ts';
import { defaultSpec } from '../support/specs.ts';
import { zammadFaultTable } from './faultTableZammad.ts';
import type { FaultParts } from './partBook.ts';

export type TrafficOp = 'reopen' | 'touch' | 'edit' | 'close' | 'insert';

export interface FaultTable {
  /** Its name on the command line and in result files. */
  name: 'tickets' | 'zammad';
  /** Schema-qualified, as SQL. */
  sql: string;
  /** As a Debezium signal names it (data-collections). */
  collection: string;
  /** The key column (both tables call it id) and its SQL array type, for `= ANY($n::...)`. */
  key: string;
  keyArray: string;
  spec: ArchiveSpec;
  /** On top of the stack's settings for every command and archiver of the run (ARCHIVE_SPEC, COLD_DATABASE). */
  settings: Record<string, string>;
  /** The cold database (openStores). */
  coldDatabase: string;
  /** Readies the table on a freshly wiped stack; returns the stack's environment pointed at the table's database and
   * topic. */
  prepare(env: StackEnv, log: (m: string) => void): Promise<StackEnv>;
  /** Inserts the tickets of generate_series($1::int, $2::int) AS g (g % 20 < 8 cold, < 11 closed and due 60 to 240 s
   * after the load, else open), $3 the cold age in seconds; returns one row (first, last) of the ids inserted. */
  loadSql: string;
  /** Business updates by id ($1) returning the id changed; insert takes ($1 closed, $2 cold age in seconds). */
  traffic: Record<TrafficOp, string>;
  /** A ticket cold on arrival, $1 the cold age in seconds; returns its id. */
  canarySql: string;
  /** SQL over the table's row: closed and last active more than $1 milliseconds ago. */
  overdueSql: string;
  addColumnSql(column: string): string;
  /** The suite's own rule, on a row as exact text: closed, and when it was last active (epoch ms, NaN if unreadable). */
  closed(row: RowText): boolean;
  activityMs(row: RowText): number;
  /** The column activityMs reads, for messages. */
  activityColumn: string;
  /** When the spec names parts: each loaded ticket's conversation, the business writes to parts, and the part rows
   * the suite expects (partBook.ts). */
  parts?: FaultParts;
}

/** The brief's table, as the suite has always loaded and changed it. */
const briefTable: FaultTable = {
  name: 'tickets',
  sql: 'public.tickets',
  collection: 'public.tickets',
  key: 'id',
  keyArray: 'bigint[]',
  spec: defaultSpec,
  settings: {},
  coldDatabase: 'ticket_archive',
  prepare: (env) => Promise.resolve(env),
  loadSql: `WITH ins AS (
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
  traffic: {
    // A customer writes again: the ticket is live and must stay hot (or, when already archived, nothing happens).
    reopen: `UPDATE public.tickets SET status = 'in_progress', last_operated_at = now(), body = body || ' [reopened]'
              WHERE id = $1 RETURNING id::text AS id`,
    // A back-office job rewrites a field without operating the ticket: still cold, but a new version.
    touch: `UPDATE public.tickets SET last_operator_group_id = coalesce(last_operator_group_id, 0) + 1000
             WHERE id = $1 RETURNING id::text AS id`,
    edit: `UPDATE public.tickets SET subject = subject || ' ✎', last_operated_at = now(), last_operator_id = 9
            WHERE id = $1 AND status <> 'closed' RETURNING id::text AS id`,
    // Closed now: cold by time alone once the cold age has passed, with no further event.
    close: `UPDATE public.tickets SET status = 'closed', last_operated_at = now() WHERE id = $1 AND status <> 'closed' RETURNING id::text AS id`,
    // New tickets; some are imports of long-closed ones, cold on arrival.
    insert: `INSERT INTO public.tickets (customer_id, status, subject, body, created_at, last_operated_at, last_operator_id, last_operator_group_id)
             SELECT 200000 + (random() * 1000)::int, CASE WHEN $1 THEN 'closed' ELSE 'unassigned' END, '新工单 new ticket 🆕',
                    repeat('请尽快处理 please help ', 1 + (random() * 50)::int), now(),
                    CASE WHEN $1 THEN now() - $2 * interval '1 second' - interval '1 day' ELSE now() END, 1, 1
             RETURNING id::text AS id`,
  },
  canarySql: `INSERT INTO public.tickets (customer_id, status, subject, body, created_at, last_operated_at)
              VALUES (1, 'closed', 'canary', 'archived only when the pipeline works end to end', now() - interval '1 day',
                      now() - $1 * interval '1 second' - interval '1 hour')
              RETURNING id::text AS id`,
  overdueSql: `status = 'closed' AND last_operated_at < now() - ($1::bigint * interval '1 millisecond')`,
  addColumnSql: (column) => `ALTER TABLE public.tickets ADD COLUMN ${column} text NOT NULL DEFAULT 'normal'`,
  closed: (row) => row.status === 'closed',
  activityMs: (row) => pgTimestampMs(row.last_operated_at ?? ''),
  activityColumn: 'last_operated_at',
};

export const FAULT_TABLES = ['tickets', 'zammad'] as const;

/** The table by name; the Zammad-shaped one writes its spec file (with its connector's names) to a new temp dir. */
export function faultTable(name: (typeof FAULT_TABLES)[number] = 'tickets'): FaultTable {
  return name === 'zammad' ? zammadFaultTable() : briefTable;
}

/** Starts a backfill of the table the way connectors/README.md tells operators to: an incremental snapshot through
 * the signal table of the table's database (`env` is the table's, from prepare). */
export async function signalBackfill(env: StackEnv, table: FaultTable): Promise<void> {
  const su = new pg.Client({ connectionString: env.STACK_PG_SUPERUSER_URL });
  await su.connect();
  try {
    await su.query(`INSERT INTO ${SIGNAL_TABLE} (id, type, data) VALUES ($1, $2, $3)`, [
      randomUUID(),
      'execute-snapshot',
      JSON.stringify({ 'data-collections': [table.collection], type: 'incremental' }),
    ]);
  } finally {
    await su.end();
  }
}
