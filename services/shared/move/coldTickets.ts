// The cold store as the move sees it: idempotent copies, the copied -> archived transition, removal of stale
// copies, due timers, and stuck-deletion records. Everything lives in the ticket_archive database.
import { Long, MongoBulkWriteError, type Collection, type Db } from 'mongodb';
import type { ColdDocument } from './coldDocument.ts';
import type { TicketVersion } from './hotTickets.ts';
import type { FailureClass } from './failureClass.ts';

/** A timer belongs to one consumer group (one deployment): `_id` is "<group>/<ticket id>". */
export interface ColdTimer {
  _id: string;
  group: string;
  ticketId: Long;
  version: Long;
  dueAt: Date;
  partition: number;
  updatedAt: Date;
}

export interface StuckDeletion {
  _id: Long;
  version: Long;
  reason: string;
  code: string | null;
  failureClass: FailureClass;
  attempts: number;
  firstAttemptAt: Date;
  lastAttemptAt: Date;
  nextAttemptAt: Date;
  escalated: boolean;
}

const DUPLICATE_KEY = 11000;

const lid = (id: string | number) => Long.fromString(String(id));

export class ColdTickets {
  readonly tickets: Collection<ColdDocument>;
  readonly timers: Collection<ColdTimer>;
  readonly stuck: Collection<StuckDeletion>;

  constructor(
    db: Db,
    /** The consumer group whose timers this instance reads and writes. */
    private readonly timerGroup = 'default',
  ) {
    this.tickets = db.collection<ColdDocument>('tickets');
    this.timers = db.collection<ColdTimer>('cold_timers');
    this.stuck = db.collection<StuckDeletion>('stuck_deletions');
  }

  async ensureIndexes(): Promise<void> {
    await this.tickets.createIndex({ customer_id: 1, last_operated_at: -1 }, { name: 'customer_last_operated' });
    await this.tickets.createIndex({ 'archive.state': 1 }, { name: 'archive_state' });
    await this.timers.createIndex({ group: 1, partition: 1, dueAt: 1 }, { name: 'group_partition_due' });
    await this.timers.createIndex({ dueAt: 1 }, { name: 'due' });
    await this.stuck.createIndex({ escalated: 1, nextAttemptAt: 1 }, { name: 'escalated_next_attempt' });
  }

  /**
   * Writes the copies: a document already holding the same or a newer version is left as it is, so a second write
   * changes nothing and an older one never wins. Returns the ids whose stored copy was already that version or newer.
   *
   * FerretDB 1.x keeps one backend connection per operation of a multi-operation update command until the command
   * ends, so a bulk of updates larger than its pool deadlocks. Hence: one insertMany for new copies, and single
   * replace commands only for the few ids that already had a copy (redelivery, retries).
   */
  async writeCopies(docs: ColdDocument[]): Promise<Set<string>> {
    const kept = new Set<string>();
    if (docs.length === 0) return kept;
    let duplicates: ColdDocument[] = [];
    try {
      await this.tickets.insertMany(docs, { ordered: false });
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw err;
      const raw: unknown = err.writeErrors;
      const errors = (Array.isArray(raw) ? raw : [raw]) as Array<{ code: number; index: number }>;
      if (errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
      duplicates = errors.map((e) => docs[e.index] as ColdDocument);
    }
    if (duplicates.length === 0) return kept;
    const stored = await this.tickets
      .find({ _id: { $in: duplicates.map((d) => d._id) } }, { projection: { version: 1 } })
      .toArray();
    const storedVersion = new Map(stored.map((d) => [d._id.toString(), d.version]));
    for (const doc of duplicates) {
      const existing = storedVersion.get(doc._id.toString());
      if (existing !== undefined && Long.fromValue(existing).greaterThanOrEqual(doc.version)) {
        kept.add(doc._id.toString());
        continue;
      }
      try {
        await this.tickets.replaceOne({ _id: doc._id, version: { $lt: doc.version } }, doc, { upsert: true });
      } catch (err) {
        // Lost a race with a writer of the same or a newer version: that copy stays.
        if ((err as { code?: number }).code !== DUPLICATE_KEY) throw err;
        kept.add(doc._id.toString());
      }
    }
    return kept;
  }

  /**
   * copied -> archived for tickets whose hot row a mover deleted. Matching by id is exact: a row is deleted only at
   * the version that was copied, and versions only grow, so no newer copy of a deleted ticket can exist.
   */
  async markArchived(done: TicketVersion[], now: Date): Promise<void> {
    if (done.length === 0) return;
    await this.tickets.updateMany(
      { _id: { $in: done.map((t) => lid(t.id)) }, 'archive.state': 'copied' },
      { $set: { 'archive.state': 'archived', 'archive.archivedAt': now } },
    );
  }

  /** Removes copies that never became archives (the hot row changed or was deleted by the business), each only at
   * the version that was copied. An archived copy is never removed here. Rare, so one command each. */
  async removeCopies(stale: TicketVersion[]): Promise<void> {
    for (const t of stale) {
      await this.tickets.deleteOne({ _id: lid(t.id), version: lid(t.version), 'archive.state': 'copied' });
    }
  }

  async setTimers(timers: Array<{ id: string; version: string; dueAt: Date; partition: number }>, now: Date): Promise<void> {
    if (timers.length === 0) return;
    // Replace = delete + insert (see writeCopies on FerretDB and multi-operation updates). A crash in between loses
    // nothing: the event's offset is committed only after both.
    await this.timers.deleteMany({ _id: { $in: timers.map((t) => this.timerId(t.id)) } });
    await this.timers.insertMany(
      timers.map((t) => ({
        _id: this.timerId(t.id),
        group: this.timerGroup,
        ticketId: lid(t.id),
        version: lid(t.version),
        dueAt: t.dueAt,
        partition: t.partition,
        updatedAt: now,
      })),
      { ordered: false },
    );
  }

  /** Removes timers, each only up to the given version, so a newer ticket version's timer survives. */
  async clearTimers(done: TicketVersion[]): Promise<void> {
    if (done.length === 0) return;
    const upTo = new Map(done.map((t) => [this.timerId(t.id), Long.fromString(t.version)]));
    const found = await this.timers.find({ _id: { $in: [...upTo.keys()] } }, { projection: { version: 1 } }).toArray();
    const ids = found.filter((t) => Long.fromValue(t.version).lessThanOrEqual(upTo.get(t._id) ?? Long.ZERO)).map((t) => t._id);
    if (ids.length > 0) await this.timers.deleteMany({ _id: { $in: ids } });
  }

  async clearTimersOf(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.timers.deleteMany({ _id: { $in: ids.map((id) => this.timerId(id)) } });
  }

  timerId(ticketId: string): string {
    return `${this.timerGroup}/${ticketId}`;
  }

  async dueTimers(partitions: number[], until: Date, limit: number, exclude: Set<string>): Promise<ColdTimer[]> {
    if (partitions.length === 0) return [];
    const found = await this.timers
      .find({ group: this.timerGroup, partition: { $in: partitions }, dueAt: { $lte: until } })
      .sort({ dueAt: 1 })
      .limit(limit + exclude.size)
      .toArray();
    return found.filter((t) => !exclude.has(t.ticketId.toString())).slice(0, limit);
  }

  /** Stuck deletions are few; one upsert each (see writeCopies on FerretDB and multi-operation updates). */
  async recordStuck(
    items: Array<TicketVersion & { reason: string; code: string | null; failureClass: FailureClass; nextAttemptAt: Date }>,
    now: Date,
  ): Promise<void> {
    for (const s of items) {
      await this.stuck.updateOne(
        { _id: lid(s.id) },
        {
          $set: { version: lid(s.version), reason: s.reason, code: s.code, failureClass: s.failureClass, lastAttemptAt: now, nextAttemptAt: s.nextAttemptAt },
          $setOnInsert: { firstAttemptAt: now, escalated: false },
          $inc: { attempts: 1 },
        },
        { upsert: true },
      );
    }
  }

  async clearStuck(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.stuck.deleteMany({ _id: { $in: ids.map(lid) } });
  }
}
