// Progress that outlives the processes (ticket_archive.progress): one sample per instance and minute (moves by outcome,
// stuck deletions, dead letters, lag, batch latency, throttle state), kept for HISTORY_RETENTION by a TTL index, so
// "how many moved per day, how long did the backfill take, when did it slow down and why" can be answered months later.
import type { Collection, Db } from 'mongodb';
import type { ProgressSample } from '../../core/progressSample.ts';
import { guardedCold } from './connection.ts';

export class ProgressHistory {
  private readonly samples: Collection<ProgressSample>;

  constructor(db: Db) {
    this.samples = db.collection<ProgressSample>('progress');
  }

  async ensureIndexes(): Promise<void> {
    await this.samples.createIndex({ at: 1 }, { name: 'at' });
    await this.samples.createIndex({ expireAt: 1 }, { name: 'retention', expireAfterSeconds: 0 });
  }

  record(sample: ProgressSample): Promise<void> {
    return guardedCold(
      'recording progress',
      async () => void (await this.samples.replaceOne({ _id: sample._id }, sample, { upsert: true })),
    );
  }

  between(from: Date, to: Date): Promise<ProgressSample[]> {
    return guardedCold('reading progress', () =>
      this.samples
        .find({ at: { $gte: from, $lt: to } })
        .sort({ at: 1 })
        .toArray(),
    );
  }
}
