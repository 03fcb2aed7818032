// Durable timers of tickets that turn cold by time alone, per consumer group and partition (ticket_archive.cold_timers).
// A timer outlives restarts and moves with its partition to whichever archiver owns it after a rebalance.
import { MongoBulkWriteError, type Collection, type Db } from 'mongodb';
import { inParallel } from '../../core/inParallel.ts';
import type { ColdTimerEntry } from '../../core/move/ports.ts';
import { timerBucket } from '../../core/timerBuckets.ts';
import { bulkWriteErrors } from './coldCopies.ts';
import { guardedCold } from './connection.ts';
import { int64, type StoredTimer } from './documents.ts';

const DUPLICATE_KEY = 11000;

/** A timer as the archiver's timer loop reads it. */
export interface DueTimer {
  ticketId: string;
  version: string;
  dueAt: Date;
  partition: number;
}

const due = (t: StoredTimer): DueTimer => ({ ticketId: t.ticketId.toString(), version: t.version.toString(), dueAt: t.dueAt, partition: t.partition });
const earliestFirst = (limit: number) => (timers: DueTimer[]) => timers.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime()).slice(0, limit);

export class ColdTimers {
  private readonly timers: Collection<StoredTimer>;

  constructor(
    db: Db,
    /** The consumer group whose timers this instance reads and writes. */
    private readonly group: string,
  ) {
    this.timers = db.collection<StoredTimer>('cold_timers');
  }

  /** The indexes of every group's timers (one collection for all groups). */
  static async ensureIndexes(db: Db): Promise<void> {
    const timers = db.collection<StoredTimer>('cold_timers');
    await timers.createIndex({ group: 1, partition: 1, dueAt: 1 }, { name: 'group_partition_due' });
    await timers.createIndex({ group: 1, partition: 1, dueBucket: 1 }, { name: 'group_partition_bucket' });
    await timers.createIndex({ dueAt: 1 }, { name: 'due' });
  }

  /**
   * Sets (or replaces) the timers. New timers go in one insertMany; the few that already exist are replaced one by
   * one, matched on _id equality (FerretDB 1.x evaluates $in by scanning the collection).
   */
  setTimers(timers: ColdTimerEntry[], now: Date): Promise<void> {
    if (timers.length === 0) return Promise.resolve();
    return guardedCold('setting timers', async () => {
      const docs: StoredTimer[] = timers.map((t) => ({
        _id: this.timerId(t.id),
        group: this.group,
        ticketId: int64(t.id),
        version: int64(t.version),
        dueAt: t.dueAt,
        dueBucket: timerBucket(t.dueAt),
        partition: t.partition,
        updatedAt: now,
      }));
      let existing: StoredTimer[] = [];
      try {
        await this.timers.insertMany(docs, { ordered: false });
      } catch (err) {
        if (!(err instanceof MongoBulkWriteError)) throw err;
        const errors = bulkWriteErrors(err);
        if (errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
        existing = errors.map((e) => docs[e.index] as StoredTimer);
      }
      await inParallel(existing, 8, (doc) => this.timers.replaceOne({ _id: doc._id }, doc, { upsert: true }));
    });
  }

  /** Deletes timers by ticket id (each an _id equality). Timers are cleared lazily: one that fires for a ticket that
   * is gone, hot again or already archived is removed then, after the move re-read the ticket. */
  clearTimersOf(ids: string[]): Promise<void> {
    return guardedCold('clearing timers', () => inParallel(ids, 8, (id) => this.timers.deleteOne({ _id: this.timerId(id) })));
  }

  /** The earliest due timers of the owned partitions, whatever their bucket. One query per partition: equality on
   * group and partition is what FerretDB 1.x pushes down to its backend ($in is evaluated by scanning), so this
   * reads every timer of the partition; see core/timerBuckets.ts for the cheap poll. */
  dueTimers(partitions: number[], until: Date, limit: number): Promise<DueTimer[]> {
    return guardedCold('reading due timers', async () => {
      const perPartition = await Promise.all(
        partitions.map((partition) => this.timers.find({ group: this.group, partition, dueAt: { $lte: until } }).sort({ dueAt: 1 }).limit(limit).toArray()),
      );
      return earliestFirst(limit)(perPartition.flat().map(due));
    });
  }

  /** Due timers of one partition in the given due buckets: one query per bucket, all equality (pushed down), so a
   * poll reads only the timers of those buckets, not every timer waiting. */
  dueTimersInBuckets(partition: number, buckets: number[], until: Date, limit: number): Promise<DueTimer[]> {
    return guardedCold('reading due timers', async () => {
      const perBucket = await Promise.all(
        buckets.map((dueBucket) => this.timers.find({ group: this.group, partition, dueBucket, dueAt: { $lte: until } }).toArray()),
      );
      return earliestFirst(limit)(perBucket.flat().map(due));
    });
  }

  private timerId(ticketId: string): string {
    return `${this.group}/${ticketId}`;
  }
}
