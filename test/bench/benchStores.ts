// The benchmark's connections: a text-reading pool for its own SQL, the product's hot tickets (the same re-read every
// contender uses), the product's cold store, and the raw tickets collection the batch copier and the ceilings write.
import { MongoClient, type Collection, type Db } from 'mongodb';
import type pg from 'pg';
import type { StoredColdDocument } from '../../services/edges/coldStore/documents.ts';
import { openColdStore, type ColdStore, type ColdTimers } from '../../services/edges/coldStore/index.ts';
import { HotTickets } from '../../services/edges/hotStore/hotTickets.ts';
import { createTextPool } from '../../services/edges/hotStore/pool.ts';

export interface BenchStores {
  pool: pg.Pool;
  hot: HotTickets;
  cold: ColdStore;
  /** The timers of the group the cost measurements use. */
  timers: ColdTimers;
  coldDb: Db;
  coldTickets: Collection<StoredColdDocument>;
  close(): Promise<void>;
}

export async function openBenchStores(o: {
  databaseUrl: string;
  mongodbUrl: string;
  coldAfterMs: number;
  poolSize: number;
}): Promise<BenchStores> {
  const pool = createTextPool(o.databaseUrl, 'bench', o.poolSize, () => undefined);
  const cold = await openColdStore(o.mongodbUrl);
  await cold.ensureIndexes();
  const client = await MongoClient.connect(o.mongodbUrl, { writeConcern: { w: 'majority', journal: true } });
  const coldDb = client.db('ticket_archive');
  return {
    pool,
    hot: new HotTickets(pool, o.coldAfterMs),
    cold,
    timers: cold.timersOf('default'),
    coldDb,
    coldTickets: coldDb.collection<StoredColdDocument>('tickets'),
    async close() {
      await pool.end().catch(() => undefined);
      await cold.close().catch(() => undefined);
      await client.close().catch(() => undefined);
    },
  };
}
