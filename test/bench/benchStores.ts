// The benchmark's connections: a text-reading pool for its own SQL, the product's hot tickets (the same re-read every
// contender uses), the product's cold store, and the raw tickets collection the batch copier and the ceilings write.
// Everything runs on the default spec's table (the brief's), the one the benchmark generates.
import { MongoClient, type Collection, type Db } from 'mongodb';
import type pg from 'pg';
import type { CopyContext } from '../../services/core/move/coldDocument.ts';
import type { ArchiveSpec } from '../../services/core/spec/archiveSpec.ts';
import { typedColumns } from '../../services/core/spec/listFields.ts';
import { keyCodec, type KeyCodec, type StoredColdDocument } from '../../services/edges/coldStore/documents.ts';
import { openColdStore, type ColdStore, type ColdTimers } from '../../services/edges/coldStore/index.ts';
import { openMoverHotStore, type HotTickets, type MoverHotStore } from '../../services/edges/hotStore/index.ts';
import { createTextPool } from '../../services/edges/hotStore/pool.ts';
import { defaultSpec } from '../support/specs.ts';

export interface BenchStores {
  spec: ArchiveSpec;
  pool: pg.Pool;
  hot: HotTickets;
  cold: ColdStore;
  /** The timers of the group the cost measurements use. */
  timers: ColdTimers;
  coldDb: Db;
  coldTickets: Collection<StoredColdDocument>;
  /** How the cold store holds the spec's keys. */
  keys: KeyCodec;
  /** What a cold document of the spec's table types beside its row (as the movers make them). */
  copy: Pick<CopyContext, 'typed' | 'timeZone'>;
  close(): Promise<void>;
}

export async function openBenchStores(o: {
  databaseUrl: string;
  mongodbUrl: string;
  coldAfterMs: number;
  poolSize: number;
}): Promise<BenchStores> {
  const spec = defaultSpec;
  const pool = createTextPool(o.databaseUrl, 'bench', o.poolSize, () => undefined);
  // The movers' hot store (checked against the spec as every mover is), here as the table's owner.
  let mover: MoverHotStore;
  try {
    mover = await openMoverHotStore({ databaseUrl: o.databaseUrl, applicationName: 'bench/hot', poolSize: 2 }, spec);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const cold = await openColdStore(o.mongodbUrl, spec);
  await cold.ensureIndexes();
  const client = await MongoClient.connect(o.mongodbUrl, { writeConcern: { w: 'majority', journal: true } });
  const coldDb = client.db('ticket_archive');
  return {
    spec,
    pool,
    hot: mover.tickets(o.coldAfterMs),
    cold,
    timers: cold.timersOf('default'),
    coldDb,
    coldTickets: coldDb.collection<StoredColdDocument>('tickets'),
    keys: keyCodec(spec.key.type),
    copy: { typed: typedColumns(spec), timeZone: spec.activity.timeZone ?? 'UTC' },
    async close() {
      await pool.end().catch(() => undefined);
      await mover.close().catch(() => undefined);
      await cold.close().catch(() => undefined);
      await client.close().catch(() => undefined);
    },
  };
}
