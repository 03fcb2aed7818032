// In-memory stand-ins for the move's ports (core/move/ports.ts), for unit tests of the move and of the archiver's
// intake. They keep just enough state to answer as the real stores would; the integration tests use the real ones.
import type { ColdDocument, ReadRow, RowText } from '../../services/core/move/coldDocument.ts';
import { copyIsStale } from '../../services/core/move/copyOrder.ts';
import { isArchive, type MoveState } from '../../services/core/move/moveProtocol.ts';
import type { MoveDeps } from '../../services/core/move/moveTickets.ts';
import type {
  ColdTicketStore,
  ColdTimerEntry,
  CopiedTicket,
  DeleteFailure,
  HotState,
  HotTicketStore,
  LedgerEntry,
  MoveRecord,
  StuckEntry,
  TicketVersion,
} from '../../services/core/move/ports.ts';
import type { TableShape } from '../../services/core/move/tableShape.ts';

export interface FakeTicket {
  version: string;
  status: 'unassigned' | 'in_progress' | 'closed';
  /** Cold by the rule at the fake database's clock. */
  cold: boolean;
}

export class FakeHot implements HotTicketStore {
  readonly tickets = new Map<string, FakeTicket>();
  readonly ledger = new Map<string, LedgerEntry>();
  readonly calls: string[] = [];
  /** Thrown by the next readColdRows calls, one each, when set. */
  readonly failures: Error[] = [];
  /** Tickets whose delete fails with this SQLSTATE. */
  readonly refuseDelete = new Map<string, string>();

  add(id: string, t: Partial<FakeTicket> = {}): void {
    this.tickets.set(id, { version: '1', status: 'closed', cold: true, ...t });
  }

  private row(id: string, t: FakeTicket): RowText {
    return {
      id,
      version: t.version,
      status: t.status,
      customer_id: '7',
      last_operated_at: '2026-01-01 00:00:00+00',
      body: `body of ${id}`,
    };
  }

  /** Each re-read's snapshot comes after the last one's. */
  private reads = 0n;

  readColdRows(ids: string[]): Promise<{ rows: ReadRow[]; columns: TableShape; readStamp: bigint }> {
    this.calls.push(`readColdRows ${ids.join(',')}`);
    const failure = this.failures.shift();
    if (failure) return Promise.reject(failure);
    const rows = ids.flatMap((id) => {
      const t = this.tickets.get(id);
      return t && t.cold ? [{ key: id, version: t.version, row: this.row(id, t) }] : [];
    });
    this.reads++;
    return Promise.resolve({
      rows,
      columns: { id: 'bigint', version: 'bigint', status: 'text' },
      readStamp: this.reads,
    });
  }

  readStates(ids: string[]): Promise<Map<string, HotState>> {
    const states = new Map<string, HotState>();
    for (const id of ids) {
      const t = this.tickets.get(id);
      if (t)
        states.set(id, {
          id,
          version: t.version,
          closed: t.status === 'closed',
          lastOperatedAt: '2026-01-01 00:00:00+00',
          cold: t.cold,
          heldUntil: null,
        });
    }
    return Promise.resolve(states);
  }

  readLedger(ids: string[]): Promise<Map<string, LedgerEntry>> {
    return Promise.resolve(
      new Map(ids.flatMap((id) => (this.ledger.has(id) ? [[id, this.ledger.get(id) as LedgerEntry]] : []))),
    );
  }

  deleteUnchanged(
    copied: CopiedTicket[],
    _shape: { root: TableShape },
    mover: string,
    _lockTimeoutMs: number,
  ): Promise<{ deleted: TicketVersion[]; failed: DeleteFailure[] }> {
    this.calls.push(`deleteUnchanged ${copied.map((c) => c.id).join(',')} by ${mover}`);
    const deleted: TicketVersion[] = [];
    const failed: DeleteFailure[] = [];
    for (const c of copied) {
      const t = this.tickets.get(c.id);
      const refusal = this.refuseDelete.get(c.id);
      if (refusal) failed.push({ ...c, code: refusal, message: `refused with ${refusal}` });
      else if (t && t.version === c.version && t.cold) {
        this.tickets.delete(c.id);
        this.ledger.set(c.id, { ...c, state: 'archived', holdUntil: null });
        deleted.push({ id: c.id, version: c.version });
      }
    }
    return Promise.resolve({ deleted, failed });
  }
}

export class FakeCold implements ColdTicketStore {
  readonly copies = new Map<string, ColdDocument>();
  readonly moves = new Map<string, MoveRecord & { state: MoveState }>();
  readonly stuck = new Map<string, StuckEntry & { attempts: number }>();
  readonly timers = new Map<string, ColdTimerEntry>();
  readonly removed: TicketVersion[] = [];
  readonly clearedTimers: string[] = [];
  /** Ids the store refuses to hold. */
  readonly refuse = new Set<string>();

  /** Whether the ticket's cold document is an archive (core/move/moveProtocol.ts). */
  isArchive(id: string): boolean {
    const doc = this.copies.get(id);
    return doc !== undefined && isArchive(doc.archive, this.moves.get(doc.archive.move ?? '')?.state);
  }

  beginMove(move: MoveRecord): Promise<void> {
    this.moves.set(move.id, { ...move, state: this.moves.get(move.id)?.state ?? 'copying' });
    return Promise.resolve();
  }

  writeCopies(docs: ColdDocument[]): Promise<{ kept: Set<string>; refused: Map<string, string> }> {
    const refused = new Map<string, string>();
    const kept = new Set<string>();
    for (const doc of docs) {
      const existing = this.copies.get(doc._id);
      if (this.refuse.has(doc._id)) refused.set(doc._id, 'too large');
      else if (existing && !copyIsStale(existing, doc)) kept.add(doc._id);
      else this.copies.set(doc._id, doc);
    }
    return Promise.resolve({ kept, refused });
  }

  demoteCopies(move: string, ids: string[]): Promise<void> {
    for (const id of ids) {
      const doc = this.copies.get(id);
      if (doc && doc.archive.move === move && doc.archive.state === 'inMove')
        doc.archive = { ...doc.archive, state: 'copied' };
    }
    return Promise.resolve();
  }

  markArchived(done: TicketVersion[], now: Date): Promise<void> {
    for (const t of done) {
      const doc = this.copies.get(t.id);
      if (doc && !this.isArchive(t.id)) doc.archive = { ...doc.archive, state: 'archived', archivedAt: now };
    }
    return Promise.resolve();
  }

  removeCopies(stale: TicketVersion[]): Promise<void> {
    for (const t of stale) {
      this.removed.push(t);
      const doc = this.copies.get(t.id);
      if (doc && doc.version === t.version && doc.archive.state !== 'archived') this.copies.delete(t.id);
    }
    return Promise.resolve();
  }

  commitMove(move: string): Promise<void> {
    const record = this.moves.get(move);
    if (record?.state === 'copying') record.state = 'committed';
    return Promise.resolve();
  }

  recordStuck(items: StuckEntry[], _now: Date): Promise<void> {
    for (const s of items) this.stuck.set(s.id, { ...s, attempts: (this.stuck.get(s.id)?.attempts ?? 0) + 1 });
    return Promise.resolve();
  }

  clearStuck(ids: string[]): Promise<void> {
    for (const id of ids) this.stuck.delete(id);
    return Promise.resolve();
  }

  setTimers(timers: ColdTimerEntry[], _now: Date): Promise<void> {
    for (const t of timers) this.timers.set(t.id, t);
    return Promise.resolve();
  }

  clearTimersOf(ids: string[]): Promise<void> {
    for (const id of ids) {
      this.clearedTimers.push(id);
      this.timers.delete(id);
    }
    return Promise.resolve();
  }
}

const silent = { debug: () => undefined, warn: () => undefined, error: () => undefined };

export function fakeMoveDeps(hot: FakeHot, cold: FakeCold, over: Partial<MoveDeps> = {}): MoveDeps {
  return {
    hot,
    cold,
    mover: 'unit-test',
    lockTimeoutMs: 200,
    coldAfterMs: 30 * 86_400_000,
    dryRun: false,
    now: () => new Date('2026-11-22T12:00:00Z'),
    log: silent,
    partitionOf: () => 3,
    copy: { typed: ['customer_id', 'last_operated_at'], timeZone: 'UTC' },
    scheduleStuck: (failureClass, attempts, now) => ({
      nextAttemptAt: new Date(now.getTime() + 60_000),
      escalated: failureClass === 'permanent' && attempts >= 3,
    }),
    ...over,
  };
}
