// The tests' own connections to the stack's stores, for assertions and for injecting faults: raw pools and collections,
// independent of the product's edges, so a test sees what is really stored.
import { MongoClient, type Collection, type Db, type Long } from 'mongodb';
import pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import { isArchive } from '../../services/core/move/moveProtocol.ts';
import type { StoredMove } from '../../services/edges/coldStore/coldMoves.ts';
import type { StoredColdDocument, StoredStuckDeletion, StoredTimer } from '../../services/edges/coldStore/documents.ts';
import { openColdStore } from '../../services/edges/coldStore/index.ts';
import type { StoredPartChunk } from '../../services/edges/coldStore/partChunks.ts';
import { createTextPool } from '../../services/edges/hotStore/pool.ts';
import type { ArchiveSpec } from '../../services/core/spec/archiveSpec.ts';
import { defaultSpec } from './specs.ts';

/** The cold store's collections as stored (integral keys as int64, others as text). */
export interface ColdCollections {
  tickets: Collection<StoredColdDocument>;
  timers: Collection<StoredTimer>;
  stuck: Collection<StoredStuckDeletion>;
  moves: Collection<StoredMove>;
  /** Parts too large for their ticket's document (edges/coldStore/partChunks.ts). */
  partChunks: Collection<StoredPartChunk>;
  listStuck(filter: { escalated?: boolean }): Promise<StoredStuckDeletion[]>;
  /** Those of `docs` that are archives: state archived, or inMove with their move committed (moveProtocol.ts). */
  archives(docs: StoredColdDocument[]): Promise<StoredColdDocument[]>;
}

/** A ColdCollections over one database. */
export function coldCollections(archive: Db): ColdCollections {
  const stuck = archive.collection<StoredStuckDeletion>('stuck_deletions');
  const moves = archive.collection<StoredMove>('moves');
  return {
    tickets: archive.collection<StoredColdDocument>('tickets'),
    timers: archive.collection<StoredTimer>('cold_timers'),
    partChunks: archive.collection<StoredPartChunk>('ticket_parts'),
    stuck,
    moves,
    listStuck: (filter) =>
      stuck
        .find(filter.escalated === undefined ? {} : { escalated: filter.escalated })
        .sort({ firstAttemptAt: 1 })
        .toArray(),
    async archives(docs) {
      const ids = [...new Set(docs.flatMap((d) => (d.archive?.move ? [d.archive.move] : [])))];
      const states = new Map<string, StoredMove['state']>();
      for (let i = 0; i < ids.length; i += 1000) {
        for (const m of await moves
          .find({ _id: { $in: ids.slice(i, i + 1000) } }, { projection: { state: 1 } })
          .toArray())
          states.set(m._id, m.state);
      }
      return docs.filter((d) => d.archive !== undefined && isArchive(d.archive, states.get(d.archive.move ?? '')));
    },
  };
}

export interface Stores {
  db: pg.Pool;
  /** Reads every column as exact text, with the product's session settings. */
  textDb: pg.Pool;
  coldStore: { client: MongoClient; close(): Promise<void> };
  cold: ColdCollections;
  close(): Promise<void>;
}

/** The stores of one archived table: the default spec's, whose archive is the cold database ticket_archive, unless
 * another spec and its cold database are given. */
export async function openStores(
  env: StackEnv,
  { spec = defaultSpec, coldDatabase = 'ticket_archive' }: { spec?: ArchiveSpec; coldDatabase?: string } = {},
): Promise<Stores> {
  // Tests write tickets and change the table as the schema's owner (standing in for business code and DBAs); they
  // read exact text as the movers do.
  const db = new pg.Pool({ connectionString: env.MIGRATIONS_DATABASE_URL, max: 4 });
  db.on('error', () => undefined); // an idle connection closed by a restarting server: the pool replaces it
  const textDb = createTextPool(env.DATABASE_URL, 'test-reader', 2, () => undefined);
  // The product's indexes, as a running archiver would have created them.
  const product = await openColdStore(env.MONGODB_URL, spec, { database: coldDatabase });
  await product.ensureIndexes();
  await product.close();
  const client = await MongoClient.connect(env.MONGODB_URL, { serverSelectionTimeoutMS: 10_000 });
  return {
    db,
    textDb,
    coldStore: { client, close: () => client.close() },
    cold: coldCollections(client.db(coldDatabase)),
    async close() {
      await db.end();
      await textDb.end();
      await client.close();
    },
  };
}

/** The cold store's tickets collection with no document shape imposed, for tests of the store itself. */
export async function rawColdStore(
  url: string,
  database = 'ticket_archive',
): Promise<{ tickets: Collection<{ _id: Long | number; [field: string]: unknown }>; close(): Promise<void> }> {
  const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 10_000 });
  return { tickets: client.db(database).collection('tickets'), close: () => client.close() };
}
