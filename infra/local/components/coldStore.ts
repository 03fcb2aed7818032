// The MongoDB-compatible cold store: mongod when one is on the PATH, otherwise FerretDB 1.x (SQLite backend).
// The services only ever see MONGODB_URL.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { assertPortFree, commandExists, daemon, daemonPid, startDaemon, stopDaemon, waitUntil } from '../processes.ts';
import type { StackSettings } from '../settings.ts';

const NAME = 'cold-store';

export function coldStoreDaemon(s: StackSettings) {
  return daemon(s.runDir, s.logDir, NAME);
}

export function mongodbUrl(s: StackSettings): string {
  return `mongodb://127.0.0.1:${s.STACK_COLDSTORE_PORT}/`;
}

export function coldStoreKind(): 'mongod' | 'ferretdb' {
  return commandExists('mongod') ? 'mongod' : 'ferretdb';
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

/** `ferretdb` is the path of the FerretDB binary, built on demand by the caller when mongod is absent. */
export async function startColdStore(s: StackSettings, ferretdb: () => string, log: (m: string) => void): Promise<string> {
  const d = coldStoreDaemon(s);
  if (daemonPid(d) === undefined) {
    await assertPortFree(NAME, s.STACK_COLDSTORE_PORT, 'STACK_COLDSTORE_PORT');
    const kind = coldStoreKind();
    if (kind === 'mongod') {
      const dbPath = join(s.dataDir, 'mongod');
      mkdirSync(dbPath, { recursive: true });
      log(`cold-store: starting mongod on ${mongodbUrl(s)}`);
      startDaemon(d, 'mongod', ['--dbpath', dbPath, '--bind_ip', '127.0.0.1', '--port', String(s.STACK_COLDSTORE_PORT)]);
    } else {
      const binary = ferretdb();
      const dataDir = join(s.dataDir, 'ferretdb');
      mkdirSync(dataDir, { recursive: true });
      log(`cold-store: starting FerretDB (SQLite backend) on ${mongodbUrl(s)}`);
      startDaemon(d, binary, [
        '--handler=sqlite',
        `--sqlite-url=file:${dataDir}/`,
        `--state-dir=${dataDir}`,
        `--listen-addr=127.0.0.1:${s.STACK_COLDSTORE_PORT}`,
        `--debug-addr=127.0.0.1:${s.STACK_COLDSTORE_DEBUG_PORT}`,
        '--telemetry=disable',
        '--log-level=warn',
        '--log-format=json',
      ]);
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

export function stopColdStore(s: StackSettings): Promise<boolean> {
  return stopDaemon(coldStoreDaemon(s), 30_000);
}
