// Deletions that could not complete, kept for the reconciler and for operators (ticket_archive.stuck_deletions):
// ticket, version, reason, SQLSTATE, failure class, attempts, first and last attempt, next attempt, escalation.
import type { Collection, Db } from 'mongodb';
import type { StuckEntry } from '../../core/move/ports.ts';
import { guardedCold } from './connection.ts';
import { int64, type StoredStuckDeletion } from './documents.ts';

/** A stuck deletion as operators and the reconciler read it: the stored record, ids as text. */
export type StuckDeletion = Omit<StoredStuckDeletion, '_id' | 'version'> & { ticketId: string; version: string };

const plain = (s: StoredStuckDeletion): StuckDeletion => ({
  ticketId: s._id.toString(),
  version: s.version.toString(),
  reason: s.reason,
  code: s.code,
  failureClass: s.failureClass,
  attempts: s.attempts,
  firstAttemptAt: s.firstAttemptAt,
  lastAttemptAt: s.lastAttemptAt,
  nextAttemptAt: s.nextAttemptAt,
  escalated: s.escalated,
});

export class StuckDeletions {
  private readonly stuck: Collection<StoredStuckDeletion>;

  constructor(db: Db) {
    this.stuck = db.collection<StoredStuckDeletion>('stuck_deletions');
  }

  async ensureIndexes(): Promise<void> {
    await this.stuck.createIndex({ escalated: 1, nextAttemptAt: 1 }, { name: 'escalated_next_attempt' });
  }

  /** Records an attempt of each (created on the first), in one bulk write. An escalated record stays escalated until
   * an operator acts. */
  recordStuck(items: StuckEntry[], now: Date): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return guardedCold('recording stuck deletions', async () => {
      await this.stuck.bulkWrite(
        items.map((s) => ({
          updateOne: {
            filter: { _id: int64(s.id) },
            update: {
              $set: {
                version: int64(s.version),
                reason: s.reason,
                code: s.code,
                failureClass: s.failureClass,
                lastAttemptAt: now,
                nextAttemptAt: s.nextAttemptAt,
                ...(s.escalated ? { escalated: true } : {}),
              },
              $setOnInsert: { firstAttemptAt: now, ...(s.escalated ? {} : { escalated: false }) },
              $inc: { attempts: 1 },
            },
            upsert: true,
          },
        })),
        { ordered: true },
      );
    });
  }

  /** Closes the records of these tickets. */
  clearStuck(ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return guardedCold('closing stuck deletions', async () => void (await this.stuck.deleteMany({ _id: { $in: ids.map(int64) } })));
  }

  /** Stuck deletions due for another attempt (escalated ones wait for an operator). */
  due(now: Date, limit: number): Promise<StuckDeletion[]> {
    return guardedCold('reading due stuck deletions', async () =>
      (await this.stuck.find({ escalated: false, nextAttemptAt: { $lte: now } }).sort({ nextAttemptAt: 1 }).limit(limit).toArray()).map(plain),
    );
  }

  list(filter: { escalated?: boolean } = {}): Promise<StuckDeletion[]> {
    return guardedCold('listing stuck deletions', async () =>
      (await this.stuck.find(filter.escalated === undefined ? {} : { escalated: filter.escalated }).sort({ firstAttemptAt: 1 }).toArray()).map(plain),
    );
  }

  /** Attempts so far of those of `ids` that have a record. */
  attemptsOf(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return Promise.resolve(new Map<string, number>());
    return guardedCold('reading stuck deletions', async () => {
      const found = await this.stuck.find({ _id: { $in: ids.map(int64) } }, { projection: { attempts: 1 } }).toArray();
      return new Map(found.map((s) => [s._id.toString(), s.attempts]));
    });
  }

  count(): Promise<number> {
    return guardedCold('counting stuck deletions', () => this.stuck.countDocuments({}));
  }
}
