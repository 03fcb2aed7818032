// Putting an archived ticket back into the hot table, exactly as it was, which is how an archived ticket is
// reopened. The restored row is held hot (not archived again) for a while so the caller can reopen it. A dry run makes
// every check (an archive exists, its content hash holds, the ticket is not hot) and changes nothing.
import { RestoreError } from '../core/errors.ts';
import { restorableRow } from '../core/move/coldDocument.ts';
import type { ColdStore } from '../edges/coldStore/index.ts';
import type { RestorerHotStore } from '../edges/hotStore/index.ts';

export interface RestoreResult {
  id: string;
  version: string;
  holdUntil: Date;
}

export async function restoreTicket(
  hot: RestorerHotStore,
  cold: ColdStore,
  id: string,
  holdMs: number,
  mover: string,
  dryRun = false,
): Promise<RestoreResult> {
  const [doc] = await cold.copies.ofTicket(id);
  if (!doc) throw new RestoreError(`ticket ${id} has no copy in the cold store`);
  const version = doc.version;
  const hotState = await hot.lookup.present([id]);
  if (hotState.has(id)) {
    throw new RestoreError(
      `ticket ${id} is in the hot table (version ${hotState.get(id)?.version}); only an archived ticket can be restored`,
    );
  }
  const holdUntil = new Date(Date.now() + holdMs);
  const row = restorableRow(doc);
  if (dryRun) return { id, version, holdUntil };
  // The hot row first: if the cold store cannot be cleaned up afterwards, the ticket is in both tiers (which the
  // reconciler resolves), never in neither.
  await hot.restores.restore({ row, ...(doc.parts ? { parts: doc.parts } : {}) }, id, version, holdUntil, mover);
  await cold.audit.record([
    {
      ticketId: id,
      version,
      at: new Date(),
      event: 'restored',
      detail: {
        holdUntil,
        by: mover,
        archivedBy: doc.archive.mover,
        move: doc.archive.move ?? null,
        copiedAt: doc.archive.copiedAt,
        contentHash: doc.archive.contentHash,
      },
    },
  ]);
  await cold.copies.removeArchive({ id, version });
  await cold.stuck.clearStuck([id]);
  return { id, version, holdUntil };
}
