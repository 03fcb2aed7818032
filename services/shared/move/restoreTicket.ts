// Putting an archived ticket back into the hot table, exactly as it was, which is how an archived ticket is
// reopened. The restored row is held hot (not archived again) for a while so the caller can reopen it.
import { Long } from 'mongodb';
import type { ColdTickets } from './coldTickets.ts';
import { restoreRecordJson } from './coldDocument.ts';
import type { HotTickets } from './hotTickets.ts';

export class RestoreError extends Error {
  override name = 'RestoreError';
}

export interface RestoreResult {
  id: string;
  version: string;
  holdUntil: Date;
}

export async function restoreTicket(hot: HotTickets, cold: ColdTickets, id: string, holdMs: number, mover: string): Promise<RestoreResult> {
  const doc = await cold.tickets.findOne({ _id: Long.fromString(id) });
  if (!doc) throw new RestoreError(`ticket ${id} has no copy in the cold store`);
  const version = doc.version.toString();
  const hotState = await hot.readStates([id]);
  if (hotState.has(id)) {
    throw new RestoreError(`ticket ${id} is in the hot table (version ${hotState.get(id)?.version}); only an archived ticket can be restored`);
  }
  const holdUntil = new Date(Date.now() + holdMs);
  // The hot row first: if the cold store cannot be cleaned up afterwards, the ticket is in both tiers (which the
  // reconciler resolves), never in neither.
  await hot.restore(restoreRecordJson(doc), id, version, holdUntil, mover);
  await cold.tickets.deleteOne({ _id: doc._id, version: doc.version });
  await cold.clearStuck([id]);
  return { id, version, holdUntil };
}
