// Where a backfill is, per slice (ticket_archive.backfills), so a stopped backfill resumes where it was and an
// operator can see how far each slice got and what it did.
import type { Collection, Db } from 'mongodb';
import { DUPLICATE_KEY, guardedCold } from './connection.ts';

export interface BackfillSlice {
  /** `<backfill name>/<slice number>` */
  _id: string;
  backfill: string;
  /** move: move the tickets cold now; timers: set the timers of tickets closed but not yet cold. */
  kind: 'move' | 'timers';
  /** The activity range [from, to) of the slice's candidates, as PostgreSQL's text of the activity column. */
  from: string;
  to: string;
  after: { lastOperatedAt: string; id: string } | null;
  done: boolean;
  /** Tickets read, and moved (archived) or given a timer. */
  read: number;
  handled: number;
  startedAt: Date;
  updatedAt: Date;
  /** The process that works it: a Kubernetes Indexed Job's completion index (0 in a plan saved before there were
   * several), of `indexes` sharing the plan of `planned` slices. */
  index?: number;
  indexes?: number;
  planned?: number;
}

export class Backfills {
  private readonly slices: Collection<BackfillSlice>;

  constructor(db: Db) {
    this.slices = db.collection<BackfillSlice>('backfills');
  }

  slicesOf(backfill: string): Promise<BackfillSlice[]> {
    return guardedCold('reading backfill progress', () => this.slices.find({ backfill }).sort({ _id: 1 }).toArray());
  }

  /** Every slice of every backfill (history). */
  all(): Promise<BackfillSlice[]> {
    return guardedCold('reading backfill progress', () => this.slices.find({}).toArray());
  }

  save(slice: BackfillSlice): Promise<void> {
    return guardedCold(
      'recording backfill progress',
      async () => void (await this.slices.replaceOne({ _id: slice._id }, slice, { upsert: true })),
    );
  }

  /** Saves a new plan in one ordered insert unless the backfill has one: false when another process (a pod of the same
   * Job) saved its plan first, whose slices are then the ones to work. */
  planOnce(slices: BackfillSlice[]): Promise<boolean> {
    return guardedCold('saving the backfill plan', async () => {
      try {
        await this.slices.insertMany(slices, { ordered: true });
        return true;
      } catch (err) {
        if ((err as { code?: unknown }).code === DUPLICATE_KEY) return false;
        throw err;
      }
    });
  }

  forget(backfill: string): Promise<void> {
    return guardedCold('removing backfill progress', async () => void (await this.slices.deleteMany({ backfill })));
  }
}
