// `ticket-archiver restore <id>`.
import { hostname } from 'node:os';
import { configSchema, loadConfig } from '../shared/config.ts';
import { parseDuration } from '../shared/duration.ts';
import { openMoveStores } from '../shared/move/moveStores.ts';
import { restoreTicket } from '../shared/move/restoreTicket.ts';

export async function runRestore(id: string, hold: string): Promise<number> {
  if (!/^\d+$/.test(id)) throw new Error(`ticket id must be a whole number, got "${id}"`);
  const holdMs = parseDuration(hold);
  if (holdMs === undefined) throw new Error(`--hold: expected a duration such as 1h, got "${hold}"`);
  const s = loadConfig(process.env, configSchema.pick({ DATABASE_URL: true, MONGODB_URL: true, COLD_AFTER: true }));
  const stores = await openMoveStores({
    databaseUrl: s.DATABASE_URL,
    mongodbUrl: s.MONGODB_URL,
    applicationName: 'ticket-archiver/restore',
    coldAfterMs: s.COLD_AFTER,
    poolSize: 2,
  });
  try {
    const r = await restoreTicket(stores.hot, stores.cold, id, holdMs, `restore@${hostname()}`);
    console.log(JSON.stringify({ restored: r.id, version: r.version, heldHotUntil: r.holdUntil.toISOString() }));
    return 0;
  } finally {
    await stores.close();
  }
}
