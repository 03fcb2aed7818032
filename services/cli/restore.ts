// `ticket-archiver restore <id>`.
import { hostname } from 'node:os';
import { restoreTicket } from '../restore/restoreTicket.ts';
import { withStores } from './stores.ts';

export async function runRestore(id: string, holdMs: number): Promise<number> {
  return withStores(
    'ticket-archiver/restore',
    async (hot, cold) => {
      const r = await restoreTicket(hot, cold, id, holdMs, `restore@${hostname()}`);
      console.log(JSON.stringify({ restored: r.id, version: r.version, heldHotUntil: r.holdUntil.toISOString() }));
      return 0;
    },
    'RESTORE_DATABASE_URL',
  );
}
