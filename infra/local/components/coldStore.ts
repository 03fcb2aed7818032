// The MongoDB-compatible cold store: mongod when one is on the PATH, otherwise FerretDB 2.x on PostgreSQL 18 with
// Microsoft's DocumentDB extension (coldStorePostgres.ts), which authenticates clients against the backend's roles.
// The services only ever see MONGODB_URL.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { assertPortFree, commandExists, daemon, daemonPid, startDaemon, stopDaemon, waitUntil } from '../processes.ts';
import type { StackSettings } from '../settings.ts';
import type { StackSecrets } from '../secrets.ts';
import type { Versions } from '../versions.ts';
import { stackTls, stackUsesTls } from '../tls.ts';
import { coldBackendRunning, coldBackendUrl, startColdBackend, stopColdBackend } from './coldStorePostgres.ts';

const NAME = 'cold-store';

export function coldStoreDaemon(s: StackSettings) {
  return daemon(s.runDir, s.logDir, NAME);
}

export function coldStoreKind(): 'mongod' | 'ferretdb' {
  return commandExists('mongod') ? 'mongod' : 'ferretdb';
}

/** FerretDB 2 checks clients' SCRAM credentials against its backend's roles; a plain mongod here runs without auth. */
export function mongodbUrl(s: StackSettings, secrets: StackSecrets): string {
  const credentials = coldStoreKind() === 'ferretdb' ? `ferretdb:${encodeURIComponent(secrets.ferretdb)}@` : '';
  const tls = stackUsesTls(s) ? `?tls=true&tlsCAFile=${encodeURIComponent(stackTls(s, secrets.keystore).caFile)}` : '';
  return `mongodb://${credentials}127.0.0.1:${s.STACK_COLDSTORE_PORT}/${tls}`;
}

export { coldBackendRunning };

async function answersPing(url: string): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1500, connectTimeoutMS: 1500 });
  try {
    await client.connect();
    const res = await client.db('admin').command({ ping: 1 });
    return res.ok === 1;
  } finally {
    await client.close().catch(() => undefined);
  }
}

export async function coldStoreHealthy(s: StackSettings, secrets: StackSecrets): Promise<boolean> {
  return answersPing(mongodbUrl(s, secrets)).catch(() => false);
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
  if (kind === 'ferretdb') await startColdBackend(s, v, secrets, log);
  if (daemonPid(d) === undefined) {
    await assertPortFree(NAME, s.STACK_COLDSTORE_PORT, 'STACK_COLDSTORE_PORT');
    if (kind === 'mongod') {
      const dbPath = join(s.storesDataDir, 'mongod');
      mkdirSync(dbPath, { recursive: true });
      log(`cold-store: starting mongod on 127.0.0.1:${s.STACK_COLDSTORE_PORT}`);
      const tls = stackUsesTls(s)
        ? ['--tlsMode', 'requireTLS', '--tlsCertificateKeyFile', stackTls(s, secrets.keystore).certKeyFile]
        : [];
      startDaemon(d, 'mongod', [
        '--dbpath',
        dbPath,
        '--bind_ip',
        '127.0.0.1',
        '--port',
        String(s.STACK_COLDSTORE_PORT),
        ...tls,
      ]);
    } else {
      const binary = ferretdb();
      const stateDir = join(s.storesDataDir, 'ferretdb-state');
      mkdirSync(stateDir, { recursive: true });
      log(
        `cold-store: starting FerretDB ${v.ferretdb.version} (PostgreSQL ${v.documentdb.postgresMajor} + DocumentDB on 127.0.0.1:${s.STACK_COLDSTORE_PG_PORT}) on 127.0.0.1:${s.STACK_COLDSTORE_PORT}`,
      );
      startDaemon(
        d,
        binary,
        [
          `--state-dir=${stateDir}`,
          ...listenFlags(s, secrets),
          `--debug-addr=127.0.0.1:${s.STACK_COLDSTORE_DEBUG_PORT}`,
          '--telemetry=disable',
          '--log-level=warn',
          '--log-format=json',
        ],
        // The backend URL carries a password: passed through the environment, not the command line.
        { env: { ...process.env, FERRETDB_POSTGRESQL_URL: coldBackendUrl(s, secrets, 'ferretdb', 'ferretdb') } },
      );
    }
  }
  await waitUntil(NAME, () => answersPing(mongodbUrl(s, secrets)), {
    timeoutMs: s.STACK_START_TIMEOUT * 1000,
    pid: () => daemonPid(d),
    logFile: d.logFile,
    what: 'answering ping',
  });
  return mongodbUrl(s, secrets);
}

/** FerretDB's listeners: plain TCP, or in TLS mode only TLS (an empty --listen-addr turns plain TCP off). No CA
 * file: FerretDB would then require client certificates; clients authenticate with SCRAM over TLS. */
function listenFlags(s: StackSettings, secrets: StackSecrets): string[] {
  const at = `127.0.0.1:${s.STACK_COLDSTORE_PORT}`;
  if (!stackUsesTls(s)) return [`--listen-addr=${at}`];
  const t = stackTls(s, secrets.keystore);
  return [
    '--listen-addr=',
    `--listen-tls=${at}`,
    `--listen-tls-cert-file=${t.certFile}`,
    `--listen-tls-key-file=${t.keyFile}`,
  ];
}

export async function stopColdStore(s: StackSettings, v: Versions): Promise<boolean> {
  const stopped = await stopDaemon(coldStoreDaemon(s), 30_000);
  const backend = coldStoreKind() === 'ferretdb' && stopColdBackend(s, v);
  return stopped || backend;
}
