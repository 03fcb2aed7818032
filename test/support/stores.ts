// Direct connections to the stack's stores for assertions.
import pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import type { ColdStore } from '../../services/shared/coldStore.ts';
import type { ColdTickets } from '../../services/shared/move/coldTickets.ts';
import { openMoveStores } from '../../services/shared/move/moveStores.ts';

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
  db.on('error', () => undefined); // an idle connection closed by a restarting server: the pool replaces it
  const move = await openMoveStores({ databaseUrl: env.DATABASE_URL, mongodbUrl: env.MONGODB_URL, applicationName: 'test-reader', coldAfterMs: 3_600_000, poolSize: 2 });
  await move.cold.ensureIndexes();
  return {
    db,
    textDb: move.pool,
    coldStore: move.coldStore,
    cold: move.cold,
    async close() {
      await db.end();
      await move.close();
    },
  };
}
