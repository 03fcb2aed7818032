// The cold store's backend: a PostgreSQL 18 cluster with DocumentDB, run from the stack's Debian testing root
// (documentdbRoot.ts) as that root's postgres user, listening on 127.0.0.1:STACK_COLDSTORE_PG_PORT. Its data lives in
// the root, under the stack's directory; its log is linked into the stack's logs.
import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentError, assertPortFree, run, waitUntil } from '../processes.ts';
import type { StackSecrets } from '../secrets.ts';
import type { StackSettings } from '../settings.ts';
import type { Versions } from '../versions.ts';
import { ensureDocumentDbRoot, inRoot, type DocumentDbRoot } from './documentdbRoot.ts';
import { accepts } from './pgCluster.ts';

const NAME = 'cold-store-postgres';
// Paths inside the root.
const DATA = '/var/lib/postgresql/ticket-archiver/pgdata';
const LOG = '/var/log/postgresql/cold-store-postgres.log';
const SOCKET_DIR = '/tmp';

export function coldBackendUrl(
  s: StackSettings,
  secrets: StackSecrets,
  user: 'postgres' | 'ferretdb',
  database: string,
): string {
  const password = user === 'postgres' ? secrets.coldStoreSuperuser : secrets.ferretdb;
  return `postgres://${user}:${password}@127.0.0.1:${s.STACK_COLDSTORE_PG_PORT}/${database}`;
}

function rootDir(s: StackSettings): string {
  return join(s.storesDataDir, 'cold-store-root');
}

function asServer(root: DocumentDbRoot, v: Versions, tool: string, args: string[]): string {
  const [cmd, argv] = inRoot(root, v, tool, args);
  return run(NAME, cmd, argv, { cwd: '/' });
}

export function coldBackendRunning(s: StackSettings, v: Versions): boolean {
  const dir = rootDir(s);
  if (!existsSync(join(dir, DATA, 'PG_VERSION'))) return false;
  const root = ensureDocumentDbRoot(s, v, () => undefined);
  const [cmd, argv] = inRoot(root, v, 'pg_ctl', ['-D', DATA, 'status']);
  return spawnSync(cmd, argv, { stdio: 'ignore', cwd: '/' }).status === 0;
}

// Why each setting: DocumentDB and pg_cron connect back to the server; over TCP that would need a password, so they
// use the Unix socket, which only the root's postgres user may open. The background worker and pg_cron work in the
// FerretDB database; their per-run logging would grow the log and cron's history every two seconds.
const SETTINGS = [
  "listen_addresses = '127.0.0.1'",
  `unix_socket_directories = '${SOCKET_DIR}'`,
  'unix_socket_permissions = 0700',
  "shared_preload_libraries = 'pg_cron,pg_documentdb_core,pg_documentdb'",
  "cron.database_name = 'ferretdb'",
  `cron.host = '${SOCKET_DIR}'`,
  'cron.log_statement = off',
  'cron.log_run = off',
  `documentdb.localhost_connection_string = 'host=${SOCKET_DIR}'`,
  "documentdb.bg_worker_database_name = 'ferretdb'",
  'shared_buffers = 256MB',
  'max_connections = 200',
  "log_line_prefix = '%m [%p] %q%u@%d '",
];

/** Initialises the cluster on first use (role, database, extension), starts it, waits until it accepts connections. */
export async function startColdBackend(
  s: StackSettings,
  v: Versions,
  secrets: StackSecrets,
  log: (m: string) => void,
): Promise<DocumentDbRoot> {
  const root = ensureDocumentDbRoot(s, v, log);
  const hostData = join(root.dir, DATA);
  const hostLog = join(root.dir, LOG);
  mkdirSync(s.logDir, { recursive: true });
  const linked = join(s.logDir, `${NAME}.log`);
  if (!existsSync(linked)) {
    rmSync(linked, { force: true });
    symlinkSync(hostLog, linked);
  }
  const fresh = !existsSync(join(hostData, 'PG_VERSION'));
  if (fresh) {
    log(`${NAME}: initialising a PostgreSQL ${v.documentdb.postgresMajor} cluster with DocumentDB in ${hostData}`);
    for (const dir of [join(root.dir, '/var/lib/postgresql/ticket-archiver'), join(root.dir, '/var/log/postgresql')]) {
      mkdirSync(dir, { recursive: true });
      chownSync(dir, root.uid, root.gid);
    }
    asServer(root, v, 'initdb', [
      '-D',
      DATA,
      '-U',
      'postgres',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
    appendFileSync(
      join(hostData, 'postgresql.conf'),
      ['', '# --- ticket-archiver local stack ---', ...SETTINGS, ''].join('\n'),
    );
  }
  if (!coldBackendRunning(s, v)) {
    await assertPortFree(NAME, s.STACK_COLDSTORE_PG_PORT, 'STACK_COLDSTORE_PG_PORT');
    log(`${NAME}: starting on 127.0.0.1:${s.STACK_COLDSTORE_PG_PORT}`);
    try {
      asServer(root, v, 'pg_ctl', [
        '-D',
        DATA,
        '-l',
        LOG,
        '-o',
        `-p ${s.STACK_COLDSTORE_PG_PORT}`,
        '-w',
        '-t',
        '60',
        'start',
      ]);
    } catch (err) {
      throw new ComponentError(NAME, `pg_ctl start failed: ${(err as Error).message}`, hostLog);
    }
  }
  // The superuser's password, the FerretDB role and database, and the extension, over the trusted socket; every
  // start, idempotently, so a start interrupted half way through is completed by the next.
  const sql = (db: string, statement: string) =>
    asServer(root, v, 'psql', [
      '-h',
      SOCKET_DIR,
      '-p',
      String(s.STACK_COLDSTORE_PG_PORT),
      '-U',
      'postgres',
      '-d',
      db,
      '-v',
      'ON_ERROR_STOP=1',
      '-tAc',
      statement,
    ]).trim();
  const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
  sql('postgres', `ALTER ROLE postgres PASSWORD ${literal(secrets.coldStoreSuperuser)}`);
  sql(
    'postgres',
    `DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ferretdb') THEN CREATE ROLE ferretdb LOGIN SUPERUSER; END IF;
  END $$`,
  );
  sql('postgres', `ALTER ROLE ferretdb PASSWORD ${literal(secrets.ferretdb)}`);
  if (sql('postgres', "SELECT count(*) FROM pg_database WHERE datname = 'ferretdb'") === '0')
    sql('postgres', 'CREATE DATABASE ferretdb OWNER ferretdb');
  sql('ferretdb', 'CREATE EXTENSION IF NOT EXISTS documentdb CASCADE');
  await waitUntil(NAME, () => accepts(coldBackendUrl(s, secrets, 'ferretdb', 'ferretdb')), {
    timeoutMs: s.STACK_START_TIMEOUT * 1000,
    logFile: hostLog,
    what: 'accepting connections',
  });
  return root;
}

export function stopColdBackend(s: StackSettings, v: Versions): boolean {
  if (!coldBackendRunning(s, v)) return false;
  asServer(
    ensureDocumentDbRoot(s, v, () => undefined),
    v,
    'pg_ctl',
    ['-D', DATA, '-m', 'fast', '-w', '-t', '60', 'stop'],
  );
  return true;
}
