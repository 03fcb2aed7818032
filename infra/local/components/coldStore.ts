// The MongoDB-compatible cold store: mongod when one is on the PATH, otherwise FerretDB 1.x on its PostgreSQL
// backend (a PostgreSQL cluster of its own). The services only ever see MONGODB_URL.
// FerretDB's SQLite backend was tried first and dropped: under concurrent writers it wedged in a transaction.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { assertPortFree, commandExists, daemon, daemonPid, startDaemon, stopDaemon, waitUntil } from '../processes.ts';
import type { StackSettings } from '../settings.ts';
import type { StackSecrets } from '../secrets.ts';
import type { Versions } from '../versions.ts';
import { asSuperuser, clusterRunning, startCluster, stopCluster, type ClusterSpec } from './pgCluster.ts';

const NAME = 'cold-store';
const BACKEND = { name: 'cold-store-postgres', dirName: 'cold-store-postgres' };

export function coldStoreDaemon(s: StackSettings) {
  return daemon(s.runDir, s.logDir, NAME);
}

export function mongodbUrl(s: StackSettings): string {
  return `mongodb://127.0.0.1:${s.STACK_COLDSTORE_PORT}/`;
}

export function coldStoreKind(): 'mongod' | 'ferretdb' {
  return commandExists('mongod') ? 'mongod' : 'ferretdb';
}

function backendSpec(s: StackSettings, secrets: StackSecrets): ClusterSpec {
  return {
    ...BACKEND,
    port: s.STACK_COLDSTORE_PG_PORT,
    portVariable: 'STACK_COLDSTORE_PG_PORT',
    superuserPassword: secrets.coldStoreSuperuser,
    settings: ['shared_buffers = 256MB', 'max_connections = 200          # FerretDB opens a pool per client connection'],
  };
}

export function coldBackendRunning(s: StackSettings, v: Versions): boolean {
  return clusterRunning(s, v, BACKEND);
}

async function answersPing(s: StackSettings): Promise<boolean> {
  const client = new MongoClient(mongodbUrl(s), { serverSelectionTimeoutMS: 1500, connectTimeoutMS: 1500 });
  try {
    await client.connect();
    const res = await client.db('admin').command({ ping: 1 });
    return res.ok === 1;
  } finally {
    await client.close().catch(() => undefined);
  }
}

export async function coldStoreHealthy(s: StackSettings): Promise<boolean> {
  return answersPing(s).catch(() => false);
}

/** `ferretdb` builds (once) and returns the FerretDB binary; it is called only when mongod is absent. */
export async function startColdStore(
  s: StackSettings,
  v: Versions,
  secrets: StackSecrets,
  ferretdb: () => string,
  log: (m: string) => void,
): Promise<string> {
  const d = coldStoreDaemon(s);
  const kind = coldStoreKind();
  if (kind === 'ferretdb') {
    const spec = backendSpec(s, secrets);
    await startCluster(s, v, spec, log);
    await asSuperuser(spec, 'postgres', async (c) => {
      await c.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ferretdb') THEN CREATE ROLE ferretdb LOGIN; END IF;
      END $$`);
      await c.query(`ALTER ROLE ferretdb PASSWORD ${c.escapeLiteral(secrets.ferretdb)}`);
      const db = await c.query(`SELECT 1 FROM pg_database WHERE datname = 'ferretdb'`);
      if (db.rowCount === 0) await c.query('CREATE DATABASE ferretdb OWNER ferretdb');
    });
  }
  if (daemonPid(d) === undefined) {
    await assertPortFree(NAME, s.STACK_COLDSTORE_PORT, 'STACK_COLDSTORE_PORT');
    if (kind === 'mongod') {
      const dbPath = join(s.dataDir, 'mongod');
      mkdirSync(dbPath, { recursive: true });
      log(`cold-store: starting mongod on ${mongodbUrl(s)}`);
      startDaemon(d, 'mongod', ['--dbpath', dbPath, '--bind_ip', '127.0.0.1', '--port', String(s.STACK_COLDSTORE_PORT)]);
    } else {
      const binary = ferretdb();
      const stateDir = join(s.dataDir, 'ferretdb-state');
      mkdirSync(stateDir, { recursive: true });
      log(`cold-store: starting FerretDB (PostgreSQL backend on 127.0.0.1:${s.STACK_COLDSTORE_PG_PORT}) on ${mongodbUrl(s)}`);
      startDaemon(
        d,
        binary,
        [
          '--handler=postgresql',
          `--state-dir=${stateDir}`,
          `--listen-addr=127.0.0.1:${s.STACK_COLDSTORE_PORT}`,
          `--debug-addr=127.0.0.1:${s.STACK_COLDSTORE_DEBUG_PORT}`,
          '--telemetry=disable',
          '--log-level=warn',
          '--log-format=json',
        ],
        // The backend URL carries a password: passed through the environment, not the command line.
        { env: { ...process.env, FERRETDB_POSTGRESQL_URL: `postgres://ferretdb:${secrets.ferretdb}@127.0.0.1:${s.STACK_COLDSTORE_PG_PORT}/ferretdb` } },
      );
    }
  }
  await waitUntil(NAME, () => answersPing(s), {
    timeoutMs: s.STACK_START_TIMEOUT * 1000,
    pid: () => daemonPid(d),
    logFile: d.logFile,
    what: 'answering ping',
  });
  return mongodbUrl(s);
}

export async function stopColdStore(s: StackSettings, v: Versions): Promise<boolean> {
  const stopped = await stopDaemon(coldStoreDaemon(s), 30_000);
  const backend = stopCluster(s, v, BACKEND);
  return stopped || backend;
}
