// `ticket-archiver stuck [--escalated]`: the open stuck deletions, one JSON line each; the count on stderr.
import { loadConfig } from '../core/settings.ts';
import { openColdStore } from '../edges/coldStore/index.ts';
import { specOf } from './archiveSpec.ts';
import { coldStoreSchema } from './commandSettings.ts';

export async function runStuck(escalatedOnly: boolean): Promise<number> {
  const s = loadConfig(process.env, coldStoreSchema);
  const cold = await openColdStore(s.MONGODB_URL, specOf(s), { database: s.COLD_DATABASE });
  try {
    const list = await cold.stuck.list(escalatedOnly ? { escalated: true } : {});
    for (const x of list) {
      const { ticketId, version, escalated, failureClass, attempts, reason, code } = x;
      const { firstAttemptAt, lastAttemptAt, nextAttemptAt } = x;
      console.log(
        JSON.stringify({
          ticketId,
          version,
          escalated,
          failureClass,
          attempts,
          reason,
          code,
          firstAttemptAt,
          lastAttemptAt,
          nextAttemptAt,
        }),
      );
    }
    console.error(`${list.length} stuck deletion(s)${escalatedOnly ? ' escalated' : ''}`);
    return 0;
  } finally {
    await cold.close();
  }
}
