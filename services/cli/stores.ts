// The stores a one-shot command opens (verify, audit, restore, ...) and closes after it, whatever happens: the cold
// store and the hot database in the shape of the command's role (edges/hotStore/index.ts).
import { openColdStore, type ColdStore } from '../edges/coldStore/index.ts';
import type { HotConnection } from '../edges/hotStore/index.ts';
import type { ArchiveSpec } from '../core/spec/archiveSpec.ts';

export async function withStores<H extends { close(): Promise<void> }, T>(
  s: { MONGODB_URL: string; COLD_DATABASE: string },
  spec: ArchiveSpec,
  openHot: () => Promise<H>,
  work: (hot: H, cold: ColdStore) => Promise<T>,
): Promise<T> {
  const hot = await openHot();
  try {
    const cold = await openColdStore(s.MONGODB_URL, spec, { database: s.COLD_DATABASE });
    try {
      return await work(hot, cold);
    } finally {
      await cold.close().catch(() => undefined);
    }
  } finally {
    await hot.close();
  }
}

/** A one-shot command's connection: few connections, named after the command. */
export const commandConnection = (databaseUrl: string, command: string, setting?: string): HotConnection => ({
  databaseUrl,
  applicationName: `ticket-archiver/${command}`,
  poolSize: 2,
  ...(setting ? { setting } : {}),
});
