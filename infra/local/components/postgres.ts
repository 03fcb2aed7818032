// PostgreSQL 15 from the Debian binaries, in a data directory of the stack's own, with logical decoding on.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { ComponentError, assertPortFree, commandExists, run, waitUntil } from '../processes.ts';
import type { StackSettings } from '../settings.ts';
import type { StackSecrets } from '../secrets.ts';
import type { Versions } from '../versions.ts';
import { migrate } from '../../../services/shared/migrations.ts';

const NAME = 'postgres';

export interface PostgresEndpoints {
  databaseUrl: string;
  superuserUrl: string;
}

function binDir(v: Versions): string {
  return `/usr/lib/postgresql/${v.postgres.major}/bin`;
}

function ensureBinaries(v: Versions, log: (m: string) => void): void {
  if (existsSync(join(binDir(v), 'pg_ctl'))) return;
  if (process.getuid?.() !== 0) {
    throw new ComponentError(NAME, `${binDir(v)}/pg_ctl not found; install the Debian package ${v.postgres.debianPackage}`);
  }
  log(`postgres: installing the Debian package ${v.postgres.debianPackage}`);
  run(NAME, 'apt-get', ['update', '-q']);
  run(NAME, 'apt-get', ['install', '-y', '-q', '--no-install-recommends', v.postgres.debianPackage], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** argv that runs a PostgreSQL binary as the unprivileged OS user when we are root (the server and pg_ctl refuse root). */
function serverUserArgv(s: StackSettings, v: Versions, tool: string, args: string[]): [string, string[]] {
  const bin = join(binDir(v), tool);
  if (process.getuid?.() === 0) return ['runuser', ['-u', s.STACK_PG_OS_USER, '--', bin, ...args]];
  return [bin, args];
}

function asServerUser(s: StackSettings, v: Versions, tool: string, args: string[]): string {
  const [cmd, argv] = serverUserArgv(s, v, tool, args);
  return run(NAME, cmd, argv, { cwd: '/' });
}

function ensureOsUser(s: StackSettings): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => spawnSync('id', ['-u', s.STACK_PG_OS_USER], { encoding: 'utf8' });
  if (lookup().status !== 0) {
    if (!commandExists('useradd')) throw new ComponentError(NAME, `OS user ${s.STACK_PG_OS_USER} is missing and useradd is unavailable`);
    run(NAME, 'useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', s.STACK_PG_OS_USER]);
  }
  const uid = Number(lookup().stdout.trim());
  const gid = Number(spawnSync('id', ['-g', s.STACK_PG_OS_USER], { encoding: 'utf8' }).stdout.trim());
  return { uid, gid };
}

function paths(s: StackSettings) {
  const base = join(s.dataDir, 'postgres');
  return {
    base,
    data: join(base, 'pgdata'),
    socketDir: join(base, 'socket'),
    logFile: join(s.logDir, 'postgres.log'),
    pwFile: join(base, 'pwfile'),
  };
}

export function postgresEndpoints(s: StackSettings, secrets: StackSecrets): PostgresEndpoints {
  const host = `127.0.0.1:${s.STACK_PG_PORT}`;
  return {
    databaseUrl: `postgres://ticket_archiver:${secrets.archiver}@${host}/${s.databaseName}`,
    superuserUrl: `postgres://postgres:${secrets.postgresSuperuser}@${host}/${s.databaseName}`,
  };
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function postgresRunning(s: StackSettings, v: Versions): boolean {
  const p = paths(s);
  if (!existsSync(join(p.data, 'PG_VERSION'))) return false;
  const [cmd, argv] = serverUserArgv(s, v, 'pg_ctl', ['-D', p.data, 'status']);
  return spawnSync(cmd, argv, { stdio: 'ignore', cwd: '/' }).status === 0;
}

export async function startPostgres(
  s: StackSettings,
  v: Versions,
  secrets: StackSecrets,
  log: (m: string) => void,
): Promise<PostgresEndpoints> {
  ensureBinaries(v, log);
  const p = paths(s);
  const endpoints = postgresEndpoints(s, secrets);
  const owner = ensureOsUser(s);
  for (const dir of [p.base, p.socketDir, s.logDir]) mkdirSync(dir, { recursive: true });
  if (owner) {
    chownSync(p.base, owner.uid, owner.gid);
    chownSync(p.socketDir, owner.uid, owner.gid);
  }

  if (!existsSync(join(p.data, 'PG_VERSION'))) {
    log(`postgres: initialising a cluster in ${p.data}`);
    writeFileSync(p.pwFile, `${secrets.postgresSuperuser}\n`, { mode: 0o600 });
    if (owner) chownSync(p.pwFile, owner.uid, owner.gid);
    asServerUser(s, v, 'initdb', [
      '-D', p.data, '-U', 'postgres', '--pwfile', p.pwFile, '--auth-local=peer', '--auth-host=scram-sha-256',
      '--encoding=UTF8', '--locale=C.UTF-8',
    ]);
    // Our settings go last in postgresql.conf so they win; each is here for a reason.
    appendFileSync(
      join(p.data, 'postgresql.conf'),
      [
        '',
        '# --- ticket-archiver local stack ---',
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${p.socketDir}'`,
        'wal_level = logical              # Debezium reads the change log through logical decoding',
        'max_replication_slots = 10',
        'max_wal_senders = 10',
        "max_slot_wal_keep_size = '4GB'   # a stalled connector cannot fill the disk with retained WAL",
        'shared_buffers = 256MB',
        "log_line_prefix = '%m [%p] %q%u@%d '",
        'log_lock_waits = on',
        '',
      ].join('\n'),
    );
  }

  if (!postgresRunning(s, v)) {
    await assertPortFree(NAME, s.STACK_PG_PORT, 'STACK_PG_PORT');
    if (owner && existsSync(p.logFile)) chownSync(p.logFile, owner.uid, owner.gid);
    else if (owner) {
      writeFileSync(p.logFile, '');
      chownSync(p.logFile, owner.uid, owner.gid);
    }
    log(`postgres: starting on 127.0.0.1:${s.STACK_PG_PORT}`);
    try {
      asServerUser(s, v, 'pg_ctl', ['-D', p.data, '-l', p.logFile, '-o', `-p ${s.STACK_PG_PORT}`, '-w', '-t', '60', 'start']);
    } catch (err) {
      throw new ComponentError(NAME, `pg_ctl start failed: ${(err as Error).message}`, p.logFile);
    }
  }
  await waitUntil(NAME, () => accepts(endpoints.superuserUrl.replace(`/${s.databaseName}`, '/postgres')), {
    timeoutMs: s.STACK_START_TIMEOUT * 1000,
    logFile: p.logFile,
    what: 'accepting connections',
  });
  await provision(s, secrets, endpoints);
  return endpoints;
}

/** Roles, database, migrations and the CDC role's grants. Every step is safe to repeat. */
async function provision(s: StackSettings, secrets: StackSecrets, endpoints: PostgresEndpoints): Promise<void> {
  const admin = new pg.Client({ connectionString: endpoints.superuserUrl.replace(`/${s.databaseName}`, '/postgres') });
  await admin.connect();
  try {
    const lit = (x: string) => admin.escapeLiteral(x);
    await admin.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ticket_archiver') THEN CREATE ROLE ticket_archiver LOGIN; END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'debezium') THEN CREATE ROLE debezium LOGIN REPLICATION; END IF;
    END $$`);
    await admin.query(`ALTER ROLE ticket_archiver PASSWORD ${lit(secrets.archiver)}`);
    await admin.query(`ALTER ROLE debezium PASSWORD ${lit(secrets.debezium)}`);
    const db = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [s.databaseName]);
    if (db.rowCount === 0) await admin.query(`CREATE DATABASE ${s.databaseName} OWNER ticket_archiver`);
  } finally {
    await admin.end();
  }

  await migrate(endpoints.databaseUrl);

  // Debezium needs to read the captured tables (snapshots) and write incremental-snapshot watermarks.
  const su = new pg.Client({ connectionString: endpoints.superuserUrl });
  await su.connect();
  try {
    await su.query(`GRANT CONNECT ON DATABASE ${s.databaseName} TO debezium;
      GRANT USAGE ON SCHEMA public TO debezium;
      GRANT SELECT ON public.tickets TO debezium;
      GRANT SELECT, INSERT, UPDATE, DELETE ON public.debezium_signal TO debezium;`);
  } finally {
    await su.end();
  }
}

export function stopPostgres(s: StackSettings, v: Versions): boolean {
  if (!postgresRunning(s, v)) return false;
  asServerUser(s, v, 'pg_ctl', ['-D', paths(s).data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  return true;
}
