// `ticket-archiver audit <id> [--json]`.
import { auditTicket, renderAudit } from '../audit/audit.ts';
import { loadConfig } from '../core/settings.ts';
import { openMoverHotStore } from '../edges/hotStore/index.ts';
import { auditSchema } from './commandSettings.ts';
import { specOf } from './archiveSpec.ts';
import { commandConnection, withStores } from './stores.ts';

export async function runAudit(id: string, json: boolean): Promise<number> {
  const s = loadConfig(process.env, auditSchema);
  const spec = specOf(s);
  const openHot = () => openMoverHotStore(commandConnection(s.DATABASE_URL, 'audit'), spec);
  return withStores(s, spec, openHot, async (hot, cold) => {
    const report = await auditTicket(hot, cold, s.ARCHIVER_GROUP_ID, id);
    console.log(json ? JSON.stringify(report) : renderAudit(report));
    return 0;
  });
}
