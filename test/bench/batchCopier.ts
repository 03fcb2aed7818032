// The reference contender: the scheduled job operators would otherwise write (seeds/002): select 10,000 cold rows,
// insert them into the cold store, delete them from the hot table, repeat until none is left. Same safety as the
// archiver where it matters: the copy is durable (majority write concern) before the delete, and a row is deleted
// only at the version that was copied, so a concurrent business update keeps the row hot.
import { MongoBulkWriteError } from 'mongodb';
import { toColdDocument } from '../../services/core/move/coldDocument.ts';
import { toStored } from '../../services/edges/coldStore/documents.ts';
import type { BenchStores } from './benchStores.ts';

const DUPLICATE_KEY = 11000;

export interface CopierPass {
  copied: number;
  deleted: number;
  /** Copied but changed before the delete: left hot (its copy is superseded by the next pass's). */
  changed: number;
}

export class BatchCopier {
  /** Tickets deleted so far (progress, read by the benchmark without asking the database). */
  deleted = 0;
  private gate: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;

  constructor(
    private readonly stores: BenchStores,
    private readonly coldAfterMs: number,
    private readonly batchSize = 10_000,
    /** Told after each batch, for progress. */
    private readonly onBatch: (pass: CopierPass) => void = () => undefined,
  ) {}

  /** One scheduled run: batches until no cold row is left. */
  async pass(): Promise<CopierPass> {
    const total: CopierPass = { copied: 0, deleted: 0, changed: 0 };
    for (;;) {
      await this.gate;
      const batch = await this.batch();
      if (batch.copied === 0) return total;
      total.copied += batch.copied;
      total.deleted += batch.deleted;
      this.deleted += batch.deleted;
      total.changed += batch.changed;
      this.onBatch(total);
    }
  }

  /** Holds the next batch until resume() (the benchmark's quiet windows); the batch under way finishes. */
  pause(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  resume(): void {
    this.release();
    this.gate = Promise.resolve();
  }

  private async batch(): Promise<CopierPass> {
    // Oldest cold first, by the partial index on closed tickets; the re-read takes every column as exact text.
    const { rows: candidates } = await this.stores.pool.query<{ id: string }>(
      `SELECT id FROM public.tickets WHERE status = 'closed' AND last_operated_at <= now() - $1 * interval '1 millisecond'
        ORDER BY last_operated_at, id LIMIT $2`,
      [this.coldAfterMs, this.batchSize],
    );
    const { rows, columns, readStamp } = await this.stores.hot.readColdRows(candidates.map((c) => c.id));
    if (rows.length === 0) return { copied: 0, deleted: 0, changed: 0 };
    const now = new Date();
    const { copy, keys } = this.stores;
    const docs = rows.map((r) => {
      const doc = toStored(toColdDocument(r, { columns, ...copy, readStamp, mover: 'batch-copier', now }), keys);
      // No state machine: what the job inserts is the archive.
      doc.archive = { ...doc.archive, state: 'archived', archivedAt: now };
      return doc;
    });
    const notCopied = new Set<string>();
    try {
      await this.stores.coldTickets.insertMany(docs, { ordered: false });
    } catch (err) {
      // A copy read earlier (the row changed after an earlier pass copied it, or a run was interrupted) is
      // replaced; anything else stops the job before any delete.
      if (!(err instanceof MongoBulkWriteError)) throw err;
      const errors = (Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors]) as Array<{
        code: number;
        index: number;
      }>;
      if (errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
      for (const e of errors) {
        const doc = docs[e.index];
        if (!doc) continue;
        // Versions are text (a version may be xmin): which copy is newer is the order of the reads (copyOrder.ts).
        const res = await this.stores.coldTickets.replaceOne(
          { _id: doc._id, 'archive.readStamp': { $lte: doc.archive.readStamp } },
          doc,
        );
        if (res.matchedCount === 0) notCopied.add(doc._id.toString());
      }
    }
    const copied = rows.filter((r) => !notCopied.has(r.key));
    const { rowCount } = await this.stores.pool.query(
      `DELETE FROM public.tickets t USING unnest($1::bigint[], $2::bigint[]) AS c(id, version) WHERE t.id = c.id AND t.version = c.version`,
      [copied.map((r) => r.key), copied.map((r) => r.version)],
    );
    const deleted = rowCount ?? 0;
    return { copied: copied.length, deleted, changed: copied.length - deleted };
  }
}
