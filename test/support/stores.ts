// Direct connections to the stack's stores for assertions.
import pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import { COLD_DATABASE, connectColdStore, type ColdStore } from '../../services/shared/coldStore.ts';
import { ColdTickets } from '../../services/shared/move/coldTickets.ts';
import { createMoverPool } from '../../services/shared/move/hotTickets.ts';

export interface Stores {
  db: pg.Pool;
  /** Reads every column as exact text. */
  textDb: pg.Pool;
  coldStore: ColdStore;
  cold: ColdTickets;
  close(): Promise<void>;
}

export async function openStores(env: StackEnv): Promise<Stores> {
  const db = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
  const textDb = createMoverPool(env.DATABASE_URL, 'test-reader', 2);
  const coldStore = await connectColdStore(env.MONGODB_URL);
  const cold = new ColdTickets(coldStore.client.db(COLD_DATABASE));
  await cold.ensureIndexes();
  return {
    db,
    textDb,
    coldStore,
    cold,
    async close() {
      await db.end();
      await textDb.end();
      await coldStore.close();
    },
  };
}
