// The two stores as every mover (archiver, reconciler, restore, verify) opens them: the hot database through a
// text-reading pool, checked at once so a bad DATABASE_URL is named at start, and the cold store.
import type pg from 'pg';
import type { Logger } from 'pino';
import { COLD_DATABASE, connectColdStore, type ColdStore } from '../coldStore.ts';
import { ColdTickets } from './coldTickets.ts';
import { createMoverPool, HotTickets } from './hotTickets.ts';

export interface MoveStores {
  pool: pg.Pool;
  coldStore: ColdStore;
  hot: HotTickets;
  cold: ColdTickets;
  close(): Promise<void>;
}

export async function openMoveStores(o: {
  databaseUrl: string;
  mongodbUrl: string;
  applicationName: string;
  coldAfterMs: number;
  /** The consumer group whose timers are read and written. */
  timerGroup?: string;
  poolSize?: number;
  /** Told about idle hot-database connections the server closed (the pool replaces them). */
  log?: Logger;
}): Promise<MoveStores> {
  const onIdleError = (err: Error) => o.log?.warn({ err: err.message }, 'an idle PostgreSQL connection was closed by the server; it will be replaced');
  const pool = createMoverPool(o.databaseUrl, o.applicationName, o.poolSize ?? 4, onIdleError);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end();
    throw new Error(`PostgreSQL (DATABASE_URL) is unreachable: ${(err as Error).message}`, { cause: err });
  }
  const coldStore = await connectColdStore(o.mongodbUrl).catch(async (err: unknown) => {
    await pool.end();
    throw err;
  });
  return {
    pool,
    coldStore,
    hot: new HotTickets(pool, o.coldAfterMs),
    cold: new ColdTickets(coldStore.client.db(COLD_DATABASE), o.timerGroup),
    async close() {
      await pool.end().catch(() => undefined);
      await coldStore.close().catch(() => undefined);
    },
  };
}
