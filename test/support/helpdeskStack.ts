// A help desk's own database on the stack's PostgreSQL server, set up as a DBA would adopt it: the database owned by
// the schema owner's role, the help desk's tables loaded as that owner, and (by the test) `migrate` as that owner,
// which grants the jobs' roles. One database archives one table (ticket_archiver.archived_table), so each help desk
// gets its own database, its own Debezium connector, slot and topic, and its own cold database. Names are fixed per
// desk, so a run cleans up what a crashed run left behind; a replication slot is always dropped at the end (an
// inactive slot retains WAL for ever).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { parse } from 'yaml';
import type { StackEnv } from '../../infra/local/stack.ts';
import { ticketsConnectorFile } from '../../services/shipped/index.ts';
import { envOnDatabase, onDatabase } from './databaseEnv.ts';
import { archiverEnv } from './archiverEnv.ts';
import { runCli } from './runCli.ts';
import { stackKafkaAdmin } from './ticketsTopic.ts';
import { waitFor } from './waitFor.ts';

export interface DeskNames {
  /** The PostgreSQL database, the cold database, and the base of the connector's, slot's and topic's names. */
  database: string;
  connector: string;
  slot: string;
  topicPrefix: string;
}

export const deskNames = (base: string): DeskNames => ({
  database: base,
  connector: base.replaceAll('_', '-'),
  slot: base,
  topicPrefix: base,
});

/**
 * The example spec `file` with the desk's connector, slot and topic prefix (the spec's `connector`), written as JSON to
 * a new temp dir; returns its path. With them in the spec, the archiver's pipeline watch and `status` follow the
 * desk's connector instead of the stack's own (a server with two archived databases).
 */
export function deskSpecFile(file: string, names: DeskNames): string {
  const spec = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const out = join(mkdtempSync(join(tmpdir(), `${names.database}-spec-`)), 'spec.json');
  const connector = { name: names.connector, slot: names.slot, topicPrefix: names.topicPrefix };
  writeFileSync(out, JSON.stringify({ ...spec, connector }, null, 2));
  return out;
}

/** The stack's environment with every PostgreSQL URL on `database` and the tickets topic `topic`. */
export function deskEnv(env: StackEnv, database: string, topic: string): StackEnv {
  return { ...envOnDatabase(env, database), TICKETS_TOPIC: topic };
}

async function asClient<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/** A new database owned by the schema owner's role, with `sql` (the help desk's schema) run in it as that owner;
 * whatever a previous run left under the name (connector, slot, database) is removed first. */
export async function createDeskDatabase(env: StackEnv, names: DeskNames, sql: string): Promise<void> {
  await dropDeskConnector(env, names);
  const owner = decodeURIComponent(new URL(env.MIGRATIONS_DATABASE_URL).username);
  await asClient(env.STACK_PG_SUPERUSER_URL, async (su) => {
    const db = su.escapeIdentifier(names.database);
    await su.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await su.query(`CREATE DATABASE ${db} OWNER ${su.escapeIdentifier(owner)}`);
  });
  await asClient(onDatabase(env.MIGRATIONS_DATABASE_URL, names.database), (c) => c.query(sql));
}

/** The desk's cold database, emptied: its archive starts with this run. */
export async function dropColdDatabase(env: StackEnv, database: string): Promise<void> {
  const client = await MongoClient.connect(env.MONGODB_URL, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}

async function connect(env: StackEnv, method: string, path: string): Promise<number> {
  const res = await fetch(new URL(path, env.KAFKA_CONNECT_URL), { method, signal: AbortSignal.timeout(30_000) });
  await res.arrayBuffer();
  return res.status;
}

/** Deletes the desk's connector and then its replication slot (once the connector's task has let go of it). */
export async function dropDeskConnector(env: StackEnv, names: DeskNames): Promise<void> {
  const path = `/connectors/${encodeURIComponent(names.connector)}`;
  const deleted = await connect(env, 'DELETE', path);
  if (deleted !== 204 && deleted !== 404) throw new Error(`deleting connector ${names.connector}: HTTP ${deleted}`);
  await waitFor('the connector gone', async () => (await connect(env, 'GET', path)) === 404, 60_000, 500);
  await asClient(env.STACK_PG_SUPERUSER_URL, (su) =>
    waitFor(
      `replication slot ${names.slot} dropped`,
      async () => {
        const { rows } = await su.query<{ active: boolean }>(
          'SELECT active FROM pg_replication_slots WHERE slot_name = $1',
          [names.slot],
        );
        if (rows.length === 0) return true;
        if (!rows[0]?.active) await su.query('SELECT pg_drop_replication_slot($1)', [names.slot]);
        return false;
      },
      60_000,
      500,
    ),
  );
}

/** The tickets topic, created as the stack creates its own (before the connector runs, so the archiver can subscribe
 * to it while it is empty). */
async function ensureTopic(env: StackEnv, topic: string): Promise<void> {
  const admin = stackKafkaAdmin(env, 'test-helpdesk-setup');
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic))
      await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Registers the desk's connector with `register-connector --file`: the shipped definition with the desk's name,
 * database, slot and topic prefix (and the stack's TLS, as the stack registers its own); the include lists are the
 * spec's (ARCHIVE_SPEC). `env` is the desk's (deskEnv).
 */
export async function registerDeskConnector(env: StackEnv, names: DeskNames, specFile: string): Promise<void> {
  const base = JSON.parse(readFileSync(ticketsConnectorFile(), 'utf8')) as {
    name: string;
    config: Record<string, string>;
  };
  const tls = new URL(env.DATABASE_URL).searchParams.get('sslrootcert');
  const def = {
    name: names.connector,
    config: {
      ...base.config,
      'database.dbname': names.database,
      'slot.name': names.slot,
      'topic.prefix': names.topicPrefix,
      ...(tls ? { 'database.sslmode': 'verify-full', 'database.sslrootcert': tls } : {}),
    },
  };
  await ensureTopic(env, env.TICKETS_TOPIC);
  const file = join(mkdtempSync(join(tmpdir(), 'helpdesk-connector-')), 'connector.json');
  writeFileSync(file, JSON.stringify(def, null, 2));
  const res = await runCli(
    ['register-connector', '--file', file],
    archiverEnv(env, { ARCHIVE_SPEC: specFile }),
    180_000,
  );
  if (res.code !== 0) throw new Error(`register-connector exited ${res.code}:\n${res.stdout}\n${res.stderr}`);
}

/**
 * The catalog as text lines, for before/after comparisons: namespaces, relations (kind, replica identity), columns
 * of tables and views (type, not null, default), constraints, indexes, triggers, functions, and (of the whole
 * database only) publications and their tables. `schemas` limits it to those namespaces (all but the system's when
 * absent). Sizes and grants are left out: statistics change on their own, and migrate grants the jobs' roles by
 * design.
 */
export async function catalogSnapshot(db: pg.Pool | pg.Client, schemas?: string[]): Promise<string[]> {
  const ns = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
    AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))`;
  const { rows } = await db.query<{ line: string }>(
    `SELECT 'namespace ' || n.nspname AS line FROM pg_namespace n WHERE ${ns}
     UNION ALL SELECT format('relation %s.%s kind %s identity %s', n.nspname, c.relname, c.relkind, c.relreplident)
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${ns}
     UNION ALL SELECT format('column %s.%s.%s %s not null %s default %s', n.nspname, c.relname, a.attname,
                             format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid))
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE ${ns} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
     UNION ALL SELECT format('constraint %s.%s %s %s', n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid))
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${ns}
     UNION ALL SELECT format('index %s valid %s', pg_get_indexdef(i.indexrelid), i.indisvalid)
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${ns}
     UNION ALL SELECT format('trigger %s.%s %s enabled %s', n.nspname, c.relname, pg_get_triggerdef(t.oid), t.tgenabled)
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${ns}
     UNION ALL SELECT format('function %s.%s(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${ns}
     UNION ALL SELECT 'publication ' || p.pubname FROM pg_publication p WHERE $1::text[] IS NULL
     UNION ALL SELECT format('publication %s table %s.%s', p.pubname, n.nspname, c.relname)
       FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid JOIN pg_class c ON c.oid = r.prrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE $1::text[] IS NULL`,
    [schemas ?? null],
  );
  return rows.map((r) => r.line).sort();
}

/** Lines of `after` not in `before`, and of `before` not in `after`. */
export function catalogDiff(before: string[], after: string[]): { added: string[]; removed: string[] } {
  const b = new Set(before);
  const a = new Set(after);
  return { added: after.filter((l) => !b.has(l)), removed: before.filter((l) => !a.has(l)) };
}
