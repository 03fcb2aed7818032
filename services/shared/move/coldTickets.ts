// The cold store as the move sees it: idempotent copies, the copied -> archived transition, removal of stale
// copies, due timers, and stuck-deletion records. Everything lives in the ticket_archive database.
import { BSON, Long, MongoBulkWriteError, type Collection, type Db } from 'mongodb';
import type { ColdDocument } from './coldDocument.ts';
import type { TicketVersion } from './hotTickets.ts';
import type { FailureClass } from './failureClass.ts';
import { timerBucket } from './timerBuckets.ts';

/** A timer belongs to one consumer group (one deployment): `_id` is "<group>/<ticket id>". */
export interface ColdTimer {
  _id: string;
  group: string;
  ticketId: Long;
  version: Long;
  dueAt: Date;
  /** The 10-second slot of dueAt (timerBuckets.ts): what a poll reads by equality. */
  dueBucket: number;
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
// MongoDB's document limit is 16 MiB; leave room for the command envelope.
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024 - 16 * 1024;
// Server answers that retrying the same document cannot cure: too large, invalid value, bad key, schema validation.
const REFUSAL_CODES = new Set([2, 10334, 17419, 52, 55, 56, 57, 121, 17280]);

const lid = (id: string | number) => Long.fromString(String(id));

/** The failed operations of an unordered bulk insert, by the index of their document. */
function bulkWriteErrors(err: MongoBulkWriteError): Array<{ code: number; index: number; errmsg?: string }> {
  const raw: unknown = err.writeErrors;
  return (Array.isArray(raw) ? raw : [raw]) as Array<{ code: number; index: number; errmsg?: string }>;
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Whether a copy already in the store must give way to `doc`, a fresh copy of the hot row. */
export function copyIsStale(existing: Pick<ColdDocument, 'version'> & { archive?: Partial<ColdDocument['archive']> }, doc: ColdDocument): boolean {
  const version = Long.fromValue(existing.version);
  if (version.lessThan(doc.version)) return true;
  if (version.greaterThan(doc.version)) return false;
  return existing.archive?.state === 'copied' && existing.archive.contentHash !== doc.archive.contentHash;
}

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
    await this.timers.createIndex({ group: 1, partition: 1, dueBucket: 1 }, { name: 'group_partition_bucket' });
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
  async writeCopies(all: ColdDocument[]): Promise<{ kept: Set<string>; refused: Map<string, string> }> {
    const kept = new Set<string>();
    const refused = new Map<string, string>();
    // A document the store cannot hold is refused up front, so it cannot fail the whole batch again and again.
    const docs = all.filter((doc) => {
      const size = BSON.calculateObjectSize(doc);
      if (size <= MAX_DOCUMENT_BYTES) return true;
      refused.set(doc._id.toString(), `the cold copy would be ${size} bytes, above the cold store's ${MAX_DOCUMENT_BYTES}-byte document limit`);
      return false;
    });
    if (docs.length === 0) return { kept, refused };
    const duplicates: ColdDocument[] = [];
    try {
      await this.tickets.insertMany(docs, { ordered: false });
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw err;
      const errors = bulkWriteErrors(err);
      if (errors.length === 0) throw err;
      for (const e of errors) {
        const doc = docs[e.index] as ColdDocument;
        if (e.code === DUPLICATE_KEY) duplicates.push(doc);
        else if (REFUSAL_CODES.has(e.code)) refused.set(doc._id.toString(), `the cold store refused the copy (code ${e.code}): ${e.errmsg ?? ''}`);
        else throw err;
      }
    }
    if (duplicates.length === 0) return { kept, refused };
    await inParallel(duplicates, 8, async (doc) => {
      const existing = await this.tickets.findOne({ _id: doc._id }, { projection: { version: 1, 'archive.contentHash': 1, 'archive.state': 1 } });
      if (existing && !copyIsStale(existing, doc)) {
        kept.add(doc._id.toString());
        return;
      }
      try {
        // Replaced only if still stale: an older version, or a copy of this version with other content (the table
        // changed shape since it was written: ADD COLUMN changes no version). An archive is never overwritten.
        const stale = [
          { version: { $lt: doc.version } },
          { version: doc.version, 'archive.state': 'copied', 'archive.contentHash': { $ne: doc.archive.contentHash } },
        ];
        await this.tickets.replaceOne({ _id: doc._id, $or: stale }, doc, { upsert: true });
      } catch (err) {
        // Lost a race with a writer of the same or a newer version: that copy stays.
        if ((err as { code?: number }).code !== DUPLICATE_KEY) throw err;
        kept.add(doc._id.toString());
      }
    });
    return { kept, refused };
  }

  /**
   * copied -> archived for tickets whose hot row a mover deleted. Matching by id is exact: a row is deleted only at
   * the version that was copied, and versions only grow, so no newer copy of a deleted ticket can exist.
   */
  async markArchived(done: TicketVersion[], now: Date): Promise<void> {
    if (done.length === 0) return;
    // One command; 'archive.state' equality is what narrows it on FerretDB (which scans for $in).
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

  /**
   * Sets (or replaces) the timers. New timers go in one insertMany; the few that already exist are replaced one by
   * one, matched on _id equality (FerretDB 1.x evaluates $in by scanning the collection).
   */
  async setTimers(timers: Array<{ id: string; version: string; dueAt: Date; partition: number }>, now: Date): Promise<void> {
    if (timers.length === 0) return;
    const docs: ColdTimer[] = timers.map((t) => ({
      _id: this.timerId(t.id),
      group: this.timerGroup,
      ticketId: lid(t.id),
      version: lid(t.version),
      dueAt: t.dueAt,
      dueBucket: timerBucket(t.dueAt),
      partition: t.partition,
      updatedAt: now,
    }));
    let existing: ColdTimer[] = [];
    try {
      await this.timers.insertMany(docs, { ordered: false });
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw err;
      const errors = bulkWriteErrors(err);
      if (errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
      existing = errors.map((e) => docs[e.index] as ColdTimer);
    }
    await inParallel(existing, 8, (doc) => this.timers.replaceOne({ _id: doc._id }, doc, { upsert: true }));
  }

  /** Deletes timers by ticket id (each an _id equality). Timers are cleared lazily: one that fires for a ticket that
   * is gone, hot again or already archived is removed then, after the move re-read the ticket. */
  async clearTimersOf(ids: string[]): Promise<void> {
    await inParallel(ids, 8, (id) => this.timers.deleteOne({ _id: this.timerId(id) }));
  }

  timerId(ticketId: string): string {
    return `${this.timerGroup}/${ticketId}`;
  }

  /** The earliest due timers of the owned partitions, whatever their bucket. One query per partition: equality on
   * group and partition is what FerretDB 1.x pushes down to its backend ($in is evaluated by scanning), so this
   * reads every timer of the partition; see timerBuckets.ts for the cheap poll. */
  async dueTimers(partitions: number[], until: Date, limit: number): Promise<ColdTimer[]> {
    const perPartition = await Promise.all(
      partitions.map((partition) =>
        this.timers.find({ group: this.timerGroup, partition, dueAt: { $lte: until } }).sort({ dueAt: 1 }).limit(limit).toArray(),
      ),
    );
    return perPartition
      .flat()
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
      .slice(0, limit);
  }

  /** Due timers of one partition in the given due buckets: one query per bucket, all equality (pushed down), so a
   * poll reads only the timers of those buckets, not every timer waiting. */
  async dueTimersInBuckets(partition: number, buckets: number[], until: Date, limit: number): Promise<ColdTimer[]> {
    const perBucket = await Promise.all(
      buckets.map((dueBucket) => this.timers.find({ group: this.timerGroup, partition, dueBucket, dueAt: { $lte: until } }).toArray()),
    );
    return perBucket
      .flat()
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
      .slice(0, limit);
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

  /** Stuck deletions due for another attempt (escalated ones wait for an operator). */
  async dueStuck(now: Date, limit: number): Promise<StuckDeletion[]> {
    return this.stuck.find({ escalated: false, nextAttemptAt: { $lte: now } }).sort({ nextAttemptAt: 1 }).limit(limit).toArray();
  }

  async scheduleStuck(id: string, nextAttemptAt: Date, escalated: boolean): Promise<void> {
    await this.stuck.updateOne({ _id: lid(id) }, { $set: { nextAttemptAt, escalated } });
  }

  async listStuck(filter: { escalated?: boolean } = {}): Promise<StuckDeletion[]> {
    return this.stuck.find(filter.escalated === undefined ? {} : { escalated: filter.escalated }).sort({ firstAttemptAt: 1 }).toArray();
  }

  /** Copies never marked archived and older than `cutoff`: moves interrupted between copy and settle. */
  async unfinishedCopies(cutoff: Date, limit: number): Promise<Array<{ id: string; version: string }>> {
    const docs = await this.tickets
      .find({ 'archive.state': 'copied', 'archive.copiedAt': { $lte: cutoff } }, { projection: { version: 1 } })
      .limit(limit)
      .toArray();
    return docs.map((d) => ({ id: d._id.toString(), version: d.version.toString() }));
  }

  /** Removes copies of a ticket at a version, whatever their state (a restored ticket's left-over archive). */
  async removeAnyCopies(items: TicketVersion[]): Promise<number> {
    let removed = 0;
    for (const t of items) removed += (await this.tickets.deleteOne({ _id: lid(t.id), version: lid(t.version) })).deletedCount;
    return removed;
  }

  async clearStuck(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.stuck.deleteMany({ _id: { $in: ids.map(lid) } });
  }
}
