// The two stores opened for one command (verify, stuck, restore) and closed after it, whatever happens.
import { configSchema, loadConfig, withJobDatabaseUrl, type JobDatabaseUrl } from '../core/settings.ts';
import { openColdStore, type ColdStore } from '../edges/coldStore/index.ts';
import { openHotStore, type HotStore } from '../edges/hotStore/index.ts';

export async function withStores<T>(
  applicationName: string,
  work: (hot: HotStore, cold: ColdStore) => Promise<T>,
  role?: JobDatabaseUrl,
): Promise<T> {
  const env = role ? withJobDatabaseUrl(process.env, role) : process.env;
  const s = loadConfig(env, configSchema.pick({ DATABASE_URL: true, MONGODB_URL: true, COLD_AFTER: true }));
  const hot = await openHotStore({
    databaseUrl: s.DATABASE_URL,
    applicationName,
    coldAfterMs: s.COLD_AFTER,
    poolSize: 2,
  });
  try {
    const cold = await openColdStore(s.MONGODB_URL);
    try {
      return await work(hot, cold);
    } finally {
      await cold.close().catch(() => undefined);
    }
  } finally {
    await hot.close();
  }
}
