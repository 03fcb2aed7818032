// Durable timers of tickets that turn cold by time alone, per consumer group and partition (ticket_archive.cold_timers).
// A timer outlives restarts and moves with its partition to whichever archiver owns it after a rebalance. Due timers
// are found by a range on the (group, partition, dueAt) index: only the due ones are read, never every timer waiting.
import type { Collection, Db } from 'mongodb';
import type { ColdTimerEntry } from '../../core/move/ports.ts';
import { guardedCold } from './connection.ts';
import type { KeyCodec, StoredTimer } from './documents.ts';

/** A timer as the archiver's timer loop reads it. */
export interface DueTimer {
  ticketId: string;
  version: string;
  dueAt: Date;
  partition: number;
}

export class ColdTimers {
  private readonly timers: Collection<StoredTimer>;

  constructor(
    db: Db,
    /** The consumer group whose timers this instance reads and writes. */
    private readonly group: string,
    private readonly keys: KeyCodec,
  ) {
    this.timers = db.collection<StoredTimer>('cold_timers');
  }

  /** The indexes of every group's timers (one collection for all groups). */
  static async ensureIndexes(db: Db): Promise<void> {
    await db
      .collection<StoredTimer>('cold_timers')
      .createIndex({ group: 1, partition: 1, dueAt: 1 }, { name: 'group_partition_due' });
  }

  /** Sets (or replaces) the timers, in one bulk write. */
  setTimers(timers: ColdTimerEntry[], now: Date): Promise<void> {
    if (timers.length === 0) return Promise.resolve();
    return guardedCold('setting timers', async () => {
      await this.timers.bulkWrite(
        timers.map((t) => {
          const doc: StoredTimer = {
            _id: this.timerId(t.id),
            group: this.group,
            ticketId: this.keys.stored(t.id),
            version: t.version,
            dueAt: t.dueAt,
            partition: t.partition,
            updatedAt: now,
          };
          return { replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } };
        }),
        { ordered: false },
      );
    });
  }

  /** Deletes timers by ticket id. Timers are cleared lazily: one that fires for a ticket that is gone, hot again or
   * already archived is removed then, after the move re-read the ticket. */
  clearTimersOf(ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return guardedCold(
      'clearing timers',
      async () => void (await this.timers.deleteMany({ _id: { $in: ids.map((id) => this.timerId(id)) } })),
    );
  }

  /** The earliest due timers of the owned partitions. */
  dueTimers(partitions: number[], until: Date, limit: number): Promise<DueTimer[]> {
    if (partitions.length === 0) return Promise.resolve([]);
    return guardedCold('reading due timers', async () => {
      const found = await this.timers
        .find({ group: this.group, partition: { $in: partitions }, dueAt: { $lte: until } })
        .sort({ dueAt: 1 })
        .limit(limit)
        .toArray();
      return found.map((t) => ({
        ticketId: this.keys.text(t.ticketId),
        version: String(t.version),
        dueAt: t.dueAt,
        partition: t.partition,
      }));
    });
  }

  /** Timers falling due before `until` (overdue ones included). */
  dueBefore(until: Date): Promise<number> {
    return guardedCold('counting timers', () =>
      this.timers.countDocuments({ group: this.group, dueAt: { $lte: until } }),
    );
  }

  /** The timer of one ticket, if it has one. */
  of(ticketId: string): Promise<DueTimer | undefined> {
    return guardedCold(`reading the timer of ticket ${ticketId}`, async () => {
      const t = await this.timers.findOne({ _id: this.timerId(ticketId) });
      return t
        ? { ticketId: this.keys.text(t.ticketId), version: String(t.version), dueAt: t.dueAt, partition: t.partition }
        : undefined;
    });
  }

  private timerId(ticketId: string): string {
    return `${this.group}/${ticketId}`;
  }
}
