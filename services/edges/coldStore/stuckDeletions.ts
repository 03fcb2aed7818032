// Deletions that could not complete, kept for the reconciler and for operators (ticket_archive.stuck_deletions):
// ticket, version, reason, SQLSTATE, failure class, attempts, first and last attempt, next attempt, escalation.
import type { Collection, Db } from 'mongodb';
import type { StuckEntry } from '../../core/move/ports.ts';
import type { AuditTrail } from './auditTrail.ts';
import { guardedCold } from './connection.ts';
import type { KeyCodec, StoredStuckDeletion } from './documents.ts';

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

  constructor(
    db: Db,
    private readonly audit: AuditTrail,
    private readonly keys: KeyCodec,
  ) {
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
            filter: { _id: this.keys.stored(s.id) },
            update: {
              $set: {
                version: s.version,
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
      await this.audit.record(
        items.map((s) => ({
          ticketId: s.id,
          version: s.version,
          at: now,
          event: s.escalated ? ('escalated' as const) : ('stuck' as const),
          detail: { reason: s.reason, code: s.code, failureClass: s.failureClass, nextAttemptAt: s.nextAttemptAt },
        })),
      );
    });
  }

  /** Closes the records of these tickets (the audit trail keeps that they were). */
  clearStuck(ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return guardedCold('closing stuck deletions', async () => {
      const open = await this.stuck
        .find({ _id: { $in: ids.map((id) => this.keys.stored(id)) } }, { projection: { version: 1, attempts: 1 } })
        .toArray();
      if (open.length === 0) return;
      await this.stuck.deleteMany({ _id: { $in: open.map((s) => s._id) } });
      const now = new Date();
      await this.audit.record(
        open.map((s) => ({
          ticketId: s._id.toString(),
          version: s.version.toString(),
          at: now,
          event: 'stuckClosed' as const,
          detail: { attempts: s.attempts },
        })),
      );
    });
  }

  /** Open records by kind: transient, permanent (not yet escalated), escalated. */
  summary(): Promise<{ transient: number; permanent: number; escalated: number }> {
    return guardedCold('counting stuck deletions', async () => ({
      transient: await this.stuck.countDocuments({ escalated: false, failureClass: 'transient' }),
      permanent: await this.stuck.countDocuments({ escalated: false, failureClass: 'permanent' }),
      escalated: await this.stuck.countDocuments({ escalated: true }),
    }));
  }

  /** Stuck deletions due for another attempt (escalated ones wait for an operator). */
  due(now: Date, limit: number): Promise<StuckDeletion[]> {
    return guardedCold('reading due stuck deletions', async () =>
      (
        await this.stuck
          .find({ escalated: false, nextAttemptAt: { $lte: now } })
          .sort({ nextAttemptAt: 1 })
          .limit(limit)
          .toArray()
      ).map(plain),
    );
  }

  list(filter: { escalated?: boolean } = {}): Promise<StuckDeletion[]> {
    return guardedCold('listing stuck deletions', async () =>
      (
        await this.stuck
          .find(filter.escalated === undefined ? {} : { escalated: filter.escalated })
          .sort({ firstAttemptAt: 1 })
          .toArray()
      ).map(plain),
    );
  }

  /** The open record of one ticket, if any. */
  of(id: string): Promise<StuckDeletion | undefined> {
    return guardedCold(`reading the stuck deletion of ticket ${id}`, async () => {
      const s = await this.stuck.findOne({ _id: this.keys.stored(id) });
      return s ? plain(s) : undefined;
    });
  }

  /** Attempts so far of those of `ids` that have a record. */
  attemptsOf(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return Promise.resolve(new Map<string, number>());
    return guardedCold('reading stuck deletions', async () => {
      const found = await this.stuck
        .find({ _id: { $in: ids.map((id) => this.keys.stored(id)) } }, { projection: { attempts: 1 } })
        .toArray();
      return new Map(found.map((s) => [s._id.toString(), s.attempts]));
    });
  }

  count(): Promise<number> {
    return guardedCold('counting stuck deletions', () => this.stuck.countDocuments({}));
  }
}
