// What a move needs of the two stores, in the ticket domain. The edges implement these (services/edges/hotStore,
// services/edges/coldStore); unit tests implement them in memory. Nothing here knows a driver.
import type { FailureClass } from '../failureClass.ts';
import type { PartVersion } from './aggregate.ts';
import type { ColdDocument, ReadRow } from './coldDocument.ts';
import type { TableShape } from './tableShape.ts';

export interface TicketVersion {
  id: string;
  version: string;
}

/** What decided a move: change events (with where in the stream), fired timers, or one of the reconciler's and the
 * backfill's searches. The evidence an audit of a ticket gives months later. */
export interface MoveOrigin {
  source: 'events' | 'timers' | 'stuck' | 'unfinished' | 'sweep' | 'backfill';
  partition?: number;
  /** First and last offset of the chunk of events. */
  offsets?: [string, string];
}

/** A move as recorded before its copies are written (moveProtocol.ts). */
export interface MoveRecord {
  id: string;
  mover: string;
  startedAt: Date;
  origin?: MoveOrigin;
  /** The tickets the move re-read as cold, at the versions it copied. */
  tickets: TicketVersion[];
}

export interface HotState extends TicketVersion {
  /** In the state where time alone makes it cold (the spec's cold.when), by the database. */
  closed: boolean;
  /** Its last operation as an instant (PostgreSQL's timestamptz text). */
  lastOperatedAt: string;
  /** Cold by the rule at the database's clock. */
  cold: boolean;
  /** A restore hold keeps it hot until this time (ISO text), if any. */
  heldUntil: string | null;
}

export interface LedgerEntry extends TicketVersion {
  state: 'archived' | 'restored';
  holdUntil: string | null;
}

export interface DeleteFailure extends TicketVersion {
  code: string | undefined;
  message: string;
}

/** What a move re-read: the rows, the root table's shape, the snapshot's stamp and, with parts, each part's shape. */
export interface ColdRows {
  rows: ReadRow[];
  columns: TableShape;
  readStamp: bigint;
  partColumns?: Record<string, TableShape>;
}

/** A copy the delete checks: the version, and with parts every part row copied (aggregate.ts). */
export interface CopiedTicket extends TicketVersion {
  parts?: PartVersion[];
}

export interface HotTicketStore {
  /** Re-reads the tickets that are cold now (database clock) and not held, every column as exact text, with the
   * stamp of the snapshot read (copyOrder.ts); with parts, every part row read in the same snapshot. */
  readColdRows(ids: string[]): Promise<ColdRows>;
  /** The current state of each ticket that still exists. */
  readStates(ids: string[]): Promise<Map<string, HotState>>;
  readLedger(ids: string[]): Promise<Map<string, LedgerEntry>>;
  /** Deletes each ticket only if still at the copied version, cold and not held, with parts only if every part row
   * is still the one copied (none added, removed or changed: leaves first, the root last), and records it in the
   * ledger in the same transaction; rows locked by a business transaction are skipped. Throws TableShapeChangedError
   * when the table (or a part's) no longer has the shape copied. */
  deleteUnchanged(
    copied: CopiedTicket[],
    shape: { root: TableShape; parts?: Record<string, TableShape> },
    mover: string,
    lockTimeoutMs: number,
  ): Promise<{ deleted: TicketVersion[]; failed: DeleteFailure[] }>;
}

export interface ColdTimerEntry extends TicketVersion {
  dueAt: Date;
  /** The tickets topic's partition of the ticket: the archiver that owns it fires the timer. */
  partition: number;
}

export interface StuckEntry extends TicketVersion {
  reason: string;
  code: string | null;
  failureClass: FailureClass;
  nextAttemptAt: Date;
  /** Left for an operator: never retried by itself again. */
  escalated: boolean;
}

/** The cold store as a move writes it (moveProtocol.ts). */
export interface ColdTicketStore {
  /** Records the move and the tickets it copies (again, for a move repeated after a schema change). */
  beginMove(move: MoveRecord): Promise<void>;
  /** Idempotent copies: a copy of the same or a newer version already there is kept (not written). `refused`: ids
   * the store cannot hold, with its reason. */
  writeCopies(docs: ColdDocument[]): Promise<{ kept: Set<string>; refused: Map<string, string> }>;
  /** Copies of this move that did not become archives (stuck): state copied, so its commit does not make them archives. */
  demoteCopies(move: string, ids: string[]): Promise<void>;
  /** Confirms copies one by one as archives: copies an earlier move wrote, for tickets whose hot row is now deleted. */
  markArchived(done: TicketVersion[], now: Date): Promise<void>;
  /** Removes copies that are not archives, each only at the given version. */
  removeCopies(stale: TicketVersion[]): Promise<void>;
  /** The move's inMove copies are archives from now on. */
  commitMove(move: string, now: Date, counts: { archived: number; copied: number }): Promise<void>;
  recordStuck(items: StuckEntry[], now: Date): Promise<void>;
  clearStuck(ids: string[]): Promise<void>;
  setTimers(timers: ColdTimerEntry[], now: Date): Promise<void>;
  clearTimersOf(ids: string[]): Promise<void>;
}
