// `ticket-archiver restore <id>`: as restore's role (RESTORE_DATABASE_URL, else DATABASE_URL); under DRY_RUN it checks
// that the ticket can be restored and says what would be put back, changing nothing.
import { hostname } from 'node:os';
import { loadConfig, withJobDatabaseUrl } from '../core/settings.ts';
import { openRestorerHotStore } from '../edges/hotStore/index.ts';
import { restoreTicket } from '../restore/restoreTicket.ts';
import { restoreSchema } from './commandSettings.ts';
import { specOf } from './archiveSpec.ts';
import { commandConnection, withStores } from './stores.ts';

export async function runRestore(id: string, holdMs: number): Promise<number> {
  const s = loadConfig(withJobDatabaseUrl(process.env, 'RESTORE_DATABASE_URL'), restoreSchema);
  const setting = s.RESTORE_DATABASE_URL ? 'RESTORE_DATABASE_URL' : 'DATABASE_URL';
  const spec = specOf(s);
  const openHot = () => openRestorerHotStore(commandConnection(s.DATABASE_URL, 'restore', setting), spec);
  return withStores(s, spec, openHot, async (hot, cold) => {
    const r = await restoreTicket(hot, cold, id, holdMs, `restore@${hostname()}`, s.DRY_RUN);
    const result = { restored: r.id, version: r.version, heldHotUntil: r.holdUntil.toISOString() };
    console.log(JSON.stringify(s.DRY_RUN ? { dryRun: true, wouldRestore: r.id, version: r.version } : result));
    return 0;
  });
}
