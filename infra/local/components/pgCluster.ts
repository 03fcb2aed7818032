// A PostgreSQL cluster from this machine's Debian binaries in a data directory of the stack's own: the hot database
// (logical decoding on, for Debezium), or a streaming replica of it (hotReplica.ts). The cold store's PostgreSQL with
// DocumentDB runs elsewhere (coldStorePostgres.ts).
import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { ComponentError, assertPortFree, run, waitUntil } from '../processes.ts';
import { asServerUser, ensureOsUser, ensurePostgresBinaries, serverUserArgv } from './pgServerUser.ts';
import type { StackSettings } from '../settings.ts';
import type { Versions } from '../versions.ts';

export interface ClusterSpec {
  /** Component name in messages and the log file name. */
  name: string;
  port: number;
  portVariable: string;
  /** Directory under <stack>/data. */
  dirName: string;
  superuserPassword: string;
  /** Extra postgresql.conf lines, each with its reason. */
  settings: string[];
  /** TLS only, with this certificate and key (PEM), and clients verifying against this CA. */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /** A hot standby: its first data is pg_basebackup's copy of this primary, streamed through this physical slot. */
  standbyOf?: { primaryUrl: string; slot: string };
}

/** A libpq URL's query that makes clients insist on TLS and check the server's certificate and name. */
export function verifyFullQuery(caFile: string): string {
  return `?sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}`;
}

function paths(s: StackSettings, spec: Pick<ClusterSpec, 'name' | 'dirName'>) {
  const base = join(s.dataDir, spec.dirName);
  return {
    base,
    data: join(base, 'pgdata'),
    socketDir: join(base, 'socket'),
    logFile: join(s.logDir, `${spec.name}.log`),
    pwFile: join(base, 'pwfile'),
  };
}

export function superuserUrl(spec: Pick<ClusterSpec, 'port' | 'superuserPassword' | 'tls'>, database: string): string {
  return `postgres://postgres:${spec.superuserPassword}@127.0.0.1:${spec.port}/${database}${spec.tls ? verifyFullQuery(spec.tls.caFile) : ''}`;
}

/** Whether the server at `url` accepts a connection and answers a query. */
export async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function clusterRunning(s: StackSettings, v: Versions, spec: Pick<ClusterSpec, 'name' | 'dirName'>): boolean {
  const p = paths(s, spec);
  if (!existsSync(join(p.data, 'PG_VERSION'))) return false;
  const [cmd, argv] = serverUserArgv(s, v, 'pg_ctl', ['-D', p.data, 'status']);
  return spawnSync(cmd, argv, { stdio: 'ignore', cwd: '/' }).status === 0;
}

/** Initialises the cluster on first use, starts it, and waits until it accepts connections. */
export async function startCluster(
  s: StackSettings,
  v: Versions,
  spec: ClusterSpec,
  log: (m: string) => void,
): Promise<void> {
  ensurePostgresBinaries(v, log);
  const p = paths(s, spec);
  const owner = ensureOsUser(s);
  for (const dir of [p.base, p.socketDir, s.logDir]) mkdirSync(dir, { recursive: true });
  if (owner) {
    chownSync(p.base, owner.uid, owner.gid);
    chownSync(p.socketDir, owner.uid, owner.gid);
  }
  if (!existsSync(join(p.data, 'PG_VERSION'))) initialise(s, v, spec, p, owner, log);
  // The server reads its key only when owned by its OS user and private to it.
  if (spec.tls) {
    mkdirSync(join(p.base, 'tls'), { recursive: true });
    for (const [from, to] of [
      [spec.tls.certFile, 'server.crt'],
      [spec.tls.keyFile, 'server.key'],
    ] as const) {
      const file = join(p.base, 'tls', to);
      copyFileSync(from, file);
      if (owner) chownSync(file, owner.uid, owner.gid);
    }
    run(spec.name, 'chmod', ['-R', 'go-rwx', join(p.base, 'tls')]);
    if (owner) chownSync(join(p.base, 'tls'), owner.uid, owner.gid);
  }
  if (!clusterRunning(s, v, spec)) {
    await assertPortFree(spec.name, spec.port, spec.portVariable);
    if (!existsSync(p.logFile)) writeFileSync(p.logFile, '');
    if (owner) chownSync(p.logFile, owner.uid, owner.gid);
    log(`${spec.name}: starting on 127.0.0.1:${spec.port}`);
    try {
      asServerUser(spec.name, s, v, 'pg_ctl', [
        '-D',
        p.data,
        '-l',
        p.logFile,
        '-o',
        `-p ${spec.port}`,
        '-w',
        '-t',
        '60',
        'start',
      ]);
    } catch (err) {
      throw new ComponentError(spec.name, `pg_ctl start failed: ${(err as Error).message}`, p.logFile);
    }
  }
  await waitUntil(spec.name, () => accepts(superuserUrl(spec, 'postgres')), {
    timeoutMs: s.STACK_START_TIMEOUT * 1000,
    logFile: p.logFile,
    what: 'accepting connections',
  });
}

/** A new data directory: initdb, or a standby's copy of its primary; then our settings, last in postgresql.conf. */
function initialise(
  s: StackSettings,
  v: Versions,
  spec: ClusterSpec,
  p: ReturnType<typeof paths>,
  owner: { uid: number; gid: number } | undefined,
  log: (m: string) => void,
): void {
  if (spec.standbyOf) {
    const { primaryUrl, slot } = spec.standbyOf;
    log(`${spec.name}: copying the primary into ${p.data} (pg_basebackup, physical slot ${slot})`);
    // -R: standby.signal and primary_conninfo (this URL's password included); -C -S: the slot keeps the WAL the
    // standby has not received yet, as production's replicas do.
    asServerUser(spec.name, s, v, 'pg_basebackup', [
      '-D',
      p.data,
      '-d',
      primaryUrl,
      '-X',
      'stream',
      '-C',
      '-S',
      slot,
      '-R',
      '-c',
      'fast',
    ]);
  } else {
    log(`${spec.name}: initialising a cluster in ${p.data}`);
    writeFileSync(p.pwFile, `${spec.superuserPassword}\n`, { mode: 0o600 });
    if (owner) chownSync(p.pwFile, owner.uid, owner.gid);
    asServerUser(spec.name, s, v, 'initdb', [
      '-D',
      p.data,
      '-U',
      'postgres',
      '--pwfile',
      p.pwFile,
      '--auth-local=peer',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
  }
  // Our settings go last in postgresql.conf so they win.
  appendFileSync(
    join(p.data, 'postgresql.conf'),
    [
      '',
      '# --- ticket-archiver local stack ---',
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${p.socketDir}'`,
      "log_line_prefix = '%m [%p] %q%u@%d '",
      ...spec.settings,
      ...(spec.tls ? tlsSettings(p.base) : []),
      '',
    ].join('\n'),
  );
  // With TLS, TCP connections without it match no line and are refused ("no encryption").
  if (spec.tls) {
    writeFileSync(
      join(p.data, 'pg_hba.conf'),
      [
        '# ticket-archiver local stack, TLS mode: TCP only over TLS',
        'local all all peer',
        'hostssl all all 127.0.0.1/32 scram-sha-256',
        'hostssl replication all 127.0.0.1/32 scram-sha-256',
        '',
      ].join('\n'),
    );
    if (owner) chownSync(join(p.data, 'pg_hba.conf'), owner.uid, owner.gid);
  }
}

function tlsSettings(base: string): string[] {
  return [
    'ssl = on',
    `ssl_cert_file = '${join(base, 'tls', 'server.crt')}'`,
    `ssl_key_file = '${join(base, 'tls', 'server.key')}'`,
  ];
}

export function stopCluster(s: StackSettings, v: Versions, spec: Pick<ClusterSpec, 'name' | 'dirName'>): boolean {
  if (!clusterRunning(s, v, spec)) return false;
  asServerUser(spec.name, s, v, 'pg_ctl', ['-D', paths(s, spec).data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  return true;
}

/** Runs SQL as the superuser on one database of the cluster. */
export async function asSuperuser<T>(
  spec: ClusterSpec,
  database: string,
  work: (c: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: superuserUrl(spec, database) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
