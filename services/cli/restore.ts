// `ticket-archiver restore <id>`.
import { hostname } from 'node:os';
import { configSchema, loadConfig } from '../shared/config.ts';
import { COLD_DATABASE, connectColdStore } from '../shared/coldStore.ts';
import { parseDuration } from '../shared/duration.ts';
import { ColdTickets } from '../shared/move/coldTickets.ts';
import { createMoverPool, HotTickets } from '../shared/move/hotTickets.ts';
import { restoreTicket } from '../shared/move/restoreTicket.ts';

export async function runRestore(id: string, hold: string): Promise<number> {
  if (!/^\d+$/.test(id)) throw new Error(`ticket id must be a whole number, got "${id}"`);
  const holdMs = parseDuration(hold);
  if (holdMs === undefined) throw new Error(`--hold: expected a duration such as 1h, got "${hold}"`);
  const s = loadConfig(process.env, configSchema.pick({ DATABASE_URL: true, MONGODB_URL: true, COLD_AFTER: true }));
  const pool = createMoverPool(s.DATABASE_URL, 'ticket-archiver/restore', 2);
  const store = await connectColdStore(s.MONGODB_URL);
  try {
    const r = await restoreTicket(new HotTickets(pool, s.COLD_AFTER), new ColdTickets(store.client.db(COLD_DATABASE)), id, holdMs, `restore@${hostname()}`);
    console.log(JSON.stringify({ restored: r.id, version: r.version, heldHotUntil: r.holdUntil.toISOString() }));
    return 0;
  } finally {
    await pool.end();
    await store.close();
  }
}
