// `ticket-archiver audit <id> [--json]`.
import { z } from 'zod';
import { configSchema, loadConfig } from '../core/settings.ts';
import { auditTicket, renderAudit } from '../audit/audit.ts';
import { withStores } from './stores.ts';

export async function runAudit(id: string, json: boolean): Promise<number> {
  const { ARCHIVER_GROUP_ID } = loadConfig(
    process.env,
    configSchema.pick({}).extend({ ARCHIVER_GROUP_ID: z.string().min(1).default('ticket-archiver') }),
  );
  return withStores('ticket-archiver/audit', async (hot, cold) => {
    const report = await auditTicket(hot, cold, ARCHIVER_GROUP_ID, id);
    console.log(json ? JSON.stringify(report) : renderAudit(report));
    return 0;
  });
}
