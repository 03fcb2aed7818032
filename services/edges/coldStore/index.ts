// The MongoDB-compatible cold store, the only place the mongodb driver is used: ticket_archive's archives, timers,
// stuck deletions and pass history, each behind a surface in the ticket domain. Callers never see a collection.
import type { ColdTicketStore } from '../../core/move/ports.ts';
import { AuditTrail } from './auditTrail.ts';
import { Backfills } from './backfills.ts';
import { ColdCopies } from './coldCopies.ts';
import { ColdMoves } from './coldMoves.ts';
import { connectColdStore, guardedCold } from './connection.ts';
import { ProgressHistory } from './progress.ts';
import { ReconcileRuns } from './reconcileRuns.ts';
import { StuckDeletions } from './stuckDeletions.ts';
import { ColdTimers } from './timers.ts';
import { ColdTicketReads } from './ticketReads.ts';
import { keyCodec } from './documents.ts';
import type { ArchiveSpec } from '../../core/spec/archiveSpec.ts';

export { redact } from './connection.ts';
export type { AuditEntry, AuditEvent, AuditTrail } from './auditTrail.ts';
export type { BackfillSlice, Backfills } from './backfills.ts';
export type { ProgressHistory } from './progress.ts';
export type { StoredMove } from './coldMoves.ts';
export type { ColdCopies } from './coldCopies.ts';
export type { ColdMoves } from './coldMoves.ts';
export type { StuckDeletion, StuckDeletions } from './stuckDeletions.ts';
export type { ColdTimers, DueTimer } from './timers.ts';
export type { ReconcileRuns } from './reconcileRuns.ts';
export { coldListQuery, type ColdListQuery, type ColdTicketReads } from './ticketReads.ts';

export interface ColdStore {
  copies: ColdCopies;
  moves: ColdMoves;
  stuck: StuckDeletions;
  runs: ReconcileRuns;
  backfills: Backfills;
  progress: ProgressHistory;
  audit: AuditTrail;
  /** The read API's: an archived ticket, a page of a list. */
  reads: ColdTicketReads;
  /** The timers of one consumer group (one deployment of the archiver). */
  timersOf(group: string): ColdTimers;
  /** What a move writes, with the timers of `group`. */
  forMoves(group: string): ColdTicketStore;
  /** Creates the indexes every reader and writer relies on (idempotent). */
  ensureIndexes(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The cold store of the spec's tickets: their keys are held as its key type says, its lists indexed. */
export async function openColdStore(
  url: string,
  spec: ArchiveSpec,
  options: { timeoutMs?: number; /** The database that holds the archive (COLD_DATABASE). */ database?: string } = {},
): Promise<ColdStore> {
  const connection = await connectColdStore(url, options);
  const keys = keyCodec(spec.key.type);
  const copies = new ColdCopies(connection.db, keys, spec.parts.length > 0);
  const moves = new ColdMoves(connection.db);
  const audit = new AuditTrail(connection.db, keys);
  const stuck = new StuckDeletions(connection.db, audit, keys);
  const progress = new ProgressHistory(connection.db);
  const timersOf = (group: string) => new ColdTimers(connection.db, group, keys);
  const reads = new ColdTicketReads(connection.db, keys, spec, (ids) => moves.states(ids));
  return {
    copies,
    moves,
    stuck,
    runs: new ReconcileRuns(connection.db),
    backfills: new Backfills(connection.db),
    progress,
    audit,
    reads,
    timersOf,
    forMoves(group) {
      const timers = timersOf(group);
      return {
        beginMove: (move) => moves.begin(move),
        writeCopies: (docs) => copies.writeCopies(docs),
        demoteCopies: (move, ids) => copies.demoteCopies(move, ids),
        markArchived: (done, now) => copies.markArchived(done, now, (ids) => moves.states(ids)),
        removeCopies: (stale) => copies.removeCopies(stale),
        commitMove: (move, now, counts) => moves.commit(move, now, counts),
        recordStuck: (items, now) => stuck.recordStuck(items, now),
        clearStuck: (ids) => stuck.clearStuck(ids),
        setTimers: (list, now) => timers.setTimers(list, now),
        clearTimersOf: (ids) => timers.clearTimersOf(ids),
      };
    },
    async ensureIndexes() {
      await guardedCold('creating indexes', async () => {
        await copies.ensureIndexes();
        await moves.ensureIndexes();
        await ColdTimers.ensureIndexes(connection.db);
        await stuck.ensureIndexes();
        await progress.ensureIndexes();
        await audit.ensureIndexes();
        await reads.ensureIndexes();
      });
    },
    ping: () => connection.ping(),
    close: () => connection.close(),
  };
}
