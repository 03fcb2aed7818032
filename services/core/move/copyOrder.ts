// Which of two copies of a ticket is the newer, when two movers copy it at once (the archiver and the backfill, say)
// and business code changes it in between. Versions cannot say: xmin has no order (it wraps, and a frozen row keeps
// an old one), and not every table has a version column. The database's snapshots can: a move's re-read records its
// snapshot's xmax and the number of transactions in progress then (pg_current_snapshot()). A later snapshot has an
// xmax at least as high and, at the same xmax, fewer transactions in progress; two re-reads that saw different
// versions of a row saw a commit between them, so the later one is strictly greater by that order.
import type { CopyState } from './coldDocument.ts';

/** Transactions in progress in one snapshot: bounded by max_connections, far below this. */
const IN_PROGRESS_SPAN = 1_000_000n;

/** The re-read's stamp: higher for a later snapshot. */
export function readStamp(snapshotXmax: bigint, inProgress: number): bigint {
  return snapshotXmax * IN_PROGRESS_SPAN + (IN_PROGRESS_SPAN - 1n - BigInt(Math.min(inProgress, 999_999)));
}

/**
 * Whether a copy already in the store must give way to `fresh`, a copy of the hot row just read: it is of another
 * version read earlier, or of the same version with other content while still only a copy (the table changed shape
 * since it was written: ADD COLUMN changes no version). A copy read later, or an archive of the same version, stays.
 */
export function copyIsStale(
  existing: { version: string; archive?: { state?: CopyState; contentHash?: string; readStamp?: bigint } },
  fresh: { version: string; archive: { contentHash: string; readStamp: bigint } },
): boolean {
  if (existing.version !== fresh.version) return (existing.archive?.readStamp ?? -1n) < fresh.archive.readStamp;
  return existing.archive?.state !== 'archived' && existing.archive?.contentHash !== fresh.archive.contentHash;
}
