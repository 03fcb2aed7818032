// The reconciler's pass history (ticket_archive.reconcile_runs): one summary per pass, kept to be queried months later.
import type { Collection, Db } from 'mongodb';
import type { PassSummary } from '../../core/passSummary.ts';
import { guardedCold } from './connection.ts';

export class ReconcileRuns {
  private readonly runs: Collection<PassSummary>;

  constructor(db: Db) {
    this.runs = db.collection<PassSummary>('reconcile_runs');
  }

  /** The latest pass, and the latest that completed. */
  latest(): Promise<{ last?: PassSummary; lastOk?: PassSummary }> {
    return guardedCold('reading the pass history', async () => {
      const [last] = await this.runs.find({}).sort({ endedAt: -1 }).limit(1).toArray();
      const [lastOk] = await this.runs.find({ ok: true }).sort({ endedAt: -1 }).limit(1).toArray();
      return { ...(last ? { last } : {}), ...(lastOk ? { lastOk } : {}) };
    });
  }

  record(summary: PassSummary): Promise<void> {
    return guardedCold('recording a reconcile pass', async () => void (await this.runs.insertOne(summary)));
  }
}
