// One help desk adopted on the real stack, for a describe's tests: its own database loaded with the help desk's schema
// (helpdeskStack.ts), the example spec of connectors/specs (or one the test writes), the desk's cold database, and what
// the tests ask of it: commands run on the desk's settings, an archiver process, rows as exact text, and where each
// ticket is.
import { readFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { Long } from 'mongodb';
import type { StackEnv } from '../../infra/local/stack.ts';
import type { RowText } from '../../services/core/move/coldDocument.ts';
import type { ArchiveSpec } from '../../services/core/spec/archiveSpec.ts';
import { eventsTopic } from '../../services/core/spec/connectorConfig.ts';
import { loadArchiveSpec } from '../../services/runtime/archiveSpecFile.ts';
import type { StoredColdDocument } from '../../services/edges/coldStore/documents.ts';
import { archiverEnv } from './archiverEnv.ts';
import { startArchiverProcess, waitReady, type ArchiverProcess } from './archiverProcess.ts';
import {
  createDeskDatabase,
  deskEnv,
  deskNames,
  dropColdDatabase,
  dropDeskConnector,
  type DeskNames,
} from './helpdeskStack.ts';
import type { DeskShape } from './helpdeskShapes.ts';
import { runCli } from './runCli.ts';
import { specFile } from './specs.ts';
import { ensureStack } from './stack.ts';
import { openStores, type Stores } from './stores.ts';
import { groupLag } from './ticketsTopic.ts';
import { waitFor } from './waitFor.ts';

/** The age at which a ticket in the cold state turns cold here. */
export const COLD_AFTER = '1h';

export interface Desk {
  shape: DeskShape;
  spec: ArchiveSpec;
  specFile: string;
  names: DeskNames;
  /** The stack's environment on the desk's database and topic. */
  env: StackEnv;
  stores: Stores;
  /** The archiver's consumer group (and the group backfill files timers under); set by the test that places it. */
  group: string;
  /** A command's environment on the desk: its spec, cold database, group and age. */
  cli(overrides?: Record<string, string>): NodeJS.ProcessEnv;
  run(
    args: string[],
    overrides?: Record<string, string>,
    timeoutMs?: number,
  ): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Starts the desk's archiver (stopped after the desk's tests) and waits until it is ready. */
  startArchiver(): Promise<ArchiverProcess>;
  /** Rows as exact text (the movers' session settings), by key. */
  rows(ids: string[]): Promise<Map<string, RowText>>;
  hot(ids: string[]): Promise<Set<string>>;
  /** The cold documents of `ids` that are archives, by key. */
  archived(ids: string[]): Promise<Map<string, StoredColdDocument>>;
  /** Waits until the archiver has consumed every event so far. */
  consumed(): Promise<void>;
  /** Runs `use` against the desk's read API (`serve`, started for it and stopped after), given its base URL. */
  serve<T>(use: (base: string) => Promise<T>): Promise<T>;
}

export interface DeskOptions {
  /** The spec file to run with (default: the desk's example, connectors/specs/<desk>.yaml). */
  specFile?: string;
  /** The base of the desk's database, cold database, connector, slot and topic names (default:
   * test_helpdesk_<schema>): a test file of its own keeps its own. */
  base?: string;
}

/** The desk, set up before the describe's tests and its connector and slot removed after them. */
export function useDesk(shape: DeskShape, options: DeskOptions = {}): Desk {
  const file = options.specFile ?? specFile(shape.desk);
  const spec = loadArchiveSpec(file);
  const names = deskNames(options.base ?? `test_helpdesk_${shape.schema}`);
  const topic = eventsTopic(spec, { name: names.connector, config: { 'topic.prefix': names.topicPrefix } });
  let stackEnv: StackEnv | undefined;
  const running: ArchiverProcess[] = [];
  const base = (overrides: Record<string, string> = {}) => ({
    ARCHIVE_SPEC: file,
    COLD_DATABASE: names.database,
    COLD_AFTER,
    ARCHIVER_GROUP_ID: d.group,
    ...overrides,
  });
  const d: Desk = {
    shape,
    spec,
    specFile: file,
    names,
    group: `test-helpdesk-${shape.desk}-${process.pid}`,
    env: undefined as unknown as StackEnv,
    stores: undefined as unknown as Stores,
    cli: (overrides) => archiverEnv(d.env, base(overrides)),
    run: (args, overrides, timeoutMs = 180_000) => runCli(args, d.cli(overrides), timeoutMs),
    async startArchiver() {
      const a = startArchiverProcess(d.env, base({ INSTANCE_NAME: `${d.group}-${running.length}` }));
      running.push(a);
      await waitReady(a, 120_000);
      return a;
    },
    async rows(ids) {
      const { rows } = await d.stores.textDb.query<RowText>(
        `SELECT * FROM ${shape.table} WHERE id = ANY($1::${shape.keyArray})`,
        [ids],
      );
      return new Map(rows.map((r) => [String(r.id), r]));
    },
    async hot(ids) {
      const { rows } = await d.stores.db.query<{ id: string }>(
        `SELECT id::text AS id FROM ${shape.table} WHERE id = ANY($1::${shape.keyArray})`,
        [ids],
      );
      return new Set(rows.map((r) => r.id));
    },
    async archived(ids) {
      const docs = await d.stores.cold.tickets.find({ _id: { $in: ids.map((id) => Long.fromString(id)) } }).toArray();
      return new Map((await d.stores.cold.archives(docs)).map((doc) => [doc._id.toString(), doc]));
    },
    async serve(use) {
      const serve = startArchiverProcess(d.env, base({ API_TOKEN: 'test-token-0123456789abcdef' }), [], ['serve']);
      try {
        await waitReady(serve, 120_000);
        return await use(`http://127.0.0.1:${await serve.port()}`);
      } finally {
        await serve.stop();
      }
    },
    async consumed() {
      await waitFor('the desk events consumed', async () => (await groupLag(d.env, d.group)) === 0, 120_000, 1000);
    },
  };
  before(async () => {
    stackEnv = await ensureStack();
    d.env = deskEnv(stackEnv, names.database, topic);
    await createDeskDatabase(stackEnv, names, `${readFileSync(shape.fixture, 'utf8')}\n${shape.extraSql}`);
    await dropColdDatabase(stackEnv, names.database);
    d.stores = await openStores(d.env, { spec, coldDatabase: names.database });
  });
  after(async () => {
    for (const a of running.splice(0)) await a.stop();
    if (stackEnv) await dropDeskConnector(stackEnv, names);
    await d.stores?.close();
  });
  return d;
}
