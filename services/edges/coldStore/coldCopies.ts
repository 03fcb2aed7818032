// The cold tier's ticket documents (ticket_archive.tickets): idempotent copies written once per move, the few state
// changes a move may need (core/move/moveProtocol.ts), removal of copies that never became archives, and the reads of
// the reconciler, restore and verify.
import { BSON, MongoBulkWriteError, type Collection, type Db } from 'mongodb';
import { copyIsStale, type ColdDocument } from '../../core/move/coldDocument.ts';
import { isArchive, type MoveState } from '../../core/move/moveProtocol.ts';
import type { TicketVersion } from '../../core/move/ports.ts';
import { coldStoreError, guardedCold } from './connection.ts';
import { fromStored, int64, toStored, type StoredColdDocument } from './documents.ts';

const DUPLICATE_KEY = 11000;
// MongoDB's document limit is 16 MiB; leave room for the command envelope.
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024 - 16 * 1024;
// Server answers that retrying the same document cannot cure: too large, invalid value, bad key, schema validation.
const REFUSAL_CODES = new Set([2, 10334, 17419, 52, 55, 56, 57, 121, 17280]);

/** The failed operations of an unordered bulk insert, by the index of their document. */
export function bulkWriteErrors(err: MongoBulkWriteError): Array<{ code: number; index: number; errmsg?: string }> {
  const raw: unknown = err.writeErrors;
  return (Array.isArray(raw) ? raw : [raw]) as Array<{ code: number; index: number; errmsg?: string }>;
}

/** An upper bound of what the row's text takes in BSON, as a rough multiple: twice the bound covers the typed
 * fields (a few hundred bytes) and `archive.columns` (a name per column). */
function roughSizeBound(row: Record<string, string | null>): number {
  let n = 0;
  for (const [name, value] of Object.entries(row)) n += 3 * name.length + (value === null ? 0 : 3 * value.length) + 16;
  return n;
}

export class ColdCopies {
  private readonly tickets: Collection<StoredColdDocument>;

  constructor(db: Db) {
    this.tickets = db.collection<StoredColdDocument>('tickets');
  }

  async ensureIndexes(): Promise<void> {
    await this.tickets.createIndex({ customer_id: 1, last_operated_at: -1 }, { name: 'customer_last_operated' });
    await this.tickets.createIndex({ 'archive.state': 1 }, { name: 'archive_state' });
  }

  /**
   * Writes the copies: a document already holding the same or a newer version is left as it is, so a second write
   * changes nothing and an older one never wins. Returns the ids whose stored copy was already that version or newer
   * (kept), and those the store refused, with its reason. New copies go in one insertMany; the few ids that already
   * had a copy (redelivery, retries, a schema change) are replaced in one bulk write if theirs is stale.
   */
  writeCopies(all: ColdDocument[]): Promise<{ kept: Set<string>; refused: Map<string, string> }> {
    return guardedCold('writing copies', async () => {
      const kept = new Set<string>();
      const refused = new Map<string, string>();
      // A document the store cannot hold is refused up front, so it cannot fail the whole batch again and again. Its
      // exact size is computed only when a cheap upper bound (UTF-8 takes at most 3 bytes per UTF-16 unit) is near.
      const docs = all.map(toStored).filter((doc) => {
        if (roughSizeBound(doc.row) < MAX_DOCUMENT_BYTES / 2) return true;
        const size = BSON.calculateObjectSize(doc);
        if (size <= MAX_DOCUMENT_BYTES) return true;
        refused.set(
          doc._id.toString(),
          `the cold copy would be ${size} bytes, above the cold store's ${MAX_DOCUMENT_BYTES}-byte document limit`,
        );
        return false;
      });
      if (docs.length === 0) return { kept, refused };
      let duplicates: StoredColdDocument[] = [];
      try {
        await this.tickets.insertMany(docs, { ordered: false });
      } catch (err) {
        if (!(err instanceof MongoBulkWriteError)) throw err;
        const errors = bulkWriteErrors(err);
        if (errors.length === 0) throw err;
        for (const e of errors) {
          const doc = docs[e.index] as StoredColdDocument;
          if (e.code === DUPLICATE_KEY) duplicates.push(doc);
          else if (REFUSAL_CODES.has(e.code))
            refused.set(doc._id.toString(), `the cold store refused the copy (code ${e.code}): ${e.errmsg ?? ''}`);
          else throw err;
        }
      }
      if (duplicates.length === 0) return { kept, refused };
      const existing = new Map(
        (
          await this.tickets
            .find(
              { _id: { $in: duplicates.map((d) => d._id) } },
              { projection: { version: 1, 'archive.contentHash': 1, 'archive.state': 1 } },
            )
            .toArray()
        ).map((e) => [e._id.toString(), e]),
      );
      duplicates = duplicates.filter((doc) => {
        const current = existing.get(doc._id.toString());
        if (current && !copyIsStale(current, doc)) kept.add(doc._id.toString());
        return !kept.has(doc._id.toString());
      });
      if (duplicates.length === 0) return { kept, refused };
      // Replaced only if still stale: an older version, or a copy of this version with other content (the table
      // changed shape since it was written: ADD COLUMN changes no version). An archive is never overwritten.
      const stale = (doc: StoredColdDocument) => [
        { version: { $lt: doc.version } },
        {
          version: doc.version,
          'archive.state': { $ne: 'archived' },
          'archive.contentHash': { $ne: doc.archive.contentHash },
        },
      ];
      try {
        await this.tickets.bulkWrite(
          duplicates.map((doc) => ({
            replaceOne: { filter: { _id: doc._id, $or: stale(doc) }, replacement: doc, upsert: true },
          })),
          { ordered: false },
        );
      } catch (err) {
        // Lost a race with a writer of the same or a newer version: that copy stays.
        if (!(err instanceof MongoBulkWriteError) || bulkWriteErrors(err).some((e) => e.code !== DUPLICATE_KEY))
          throw err;
        for (const e of bulkWriteErrors(err)) kept.add((duplicates[e.index] as StoredColdDocument)._id.toString());
      }
      return { kept, refused };
    });
  }

  /** Confirms copies as archives one by one (copies an earlier move wrote, of tickets whose hot row a mover deleted).
   * Matching by id is exact: a row is deleted only at the version that was copied, and versions only grow. A copy that
   * is an archive already through its committed move is left as it is: a replay changes nothing, and its archivedAt
   * stays the move's. `moveStates` gives the state of the moves named. */
  markArchived(
    done: TicketVersion[],
    now: Date,
    moveStates: (ids: string[]) => Promise<Map<string, MoveState>>,
  ): Promise<void> {
    if (done.length === 0) return Promise.resolve();
    return guardedCold('confirming archives', async () => {
      const pending = await this.tickets
        .find(
          { _id: { $in: done.map((t) => int64(t.id)) }, 'archive.state': { $ne: 'archived' } },
          { projection: { 'archive.state': 1, 'archive.move': 1 } },
        )
        .toArray();
      const states = await moveStates(pending.flatMap((d) => (d.archive.move === undefined ? [] : [d.archive.move])));
      const unconfirmed = pending.filter(
        (d) => !isArchive(d.archive, d.archive.move === undefined ? undefined : states.get(d.archive.move)),
      );
      if (unconfirmed.length === 0) return;
      await this.tickets.updateMany(
        { _id: { $in: unconfirmed.map((d) => d._id) }, 'archive.state': { $ne: 'archived' } },
        { $set: { 'archive.state': 'archived', 'archive.archivedAt': now } },
      );
    });
  }

  /** Copies of `move` that did not become archives (stuck, kept hot): demoted, so the move's commit leaves them out. */
  demoteCopies(move: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return guardedCold('demoting copies', async () => {
      await this.tickets.updateMany(
        { _id: { $in: ids.map(int64) }, 'archive.move': move, 'archive.state': 'inMove' },
        { $set: { 'archive.state': 'copied' } },
      );
    });
  }

  /** Removes copies that never became archives (the hot row changed or was deleted by the business), each only at the
   * version that was copied. An archive confirmed on its own is never removed here. */
  removeCopies(stale: TicketVersion[]): Promise<void> {
    if (stale.length === 0) return Promise.resolve();
    return guardedCold('removing stale copies', async () => {
      await this.tickets.bulkWrite(
        stale.map((t) => ({
          deleteOne: {
            filter: { _id: int64(t.id), version: int64(t.version), 'archive.state': { $ne: 'archived' as const } },
          },
        })),
        { ordered: false },
      );
    });
  }

  /** Removes copies of a ticket at a version, whatever their state (a restored ticket's left-over archive). */
  removeAnyCopies(items: TicketVersion[]): Promise<number> {
    if (items.length === 0) return Promise.resolve(0);
    return guardedCold("removing restored tickets' archives", async () => {
      const res = await this.tickets.bulkWrite(
        items.map((t) => ({ deleteOne: { filter: { _id: int64(t.id), version: int64(t.version) } } })),
        { ordered: false },
      );
      return res.deletedCount;
    });
  }

  /** Copies in state copied older than `cutoff`: demoted copies of stuck tickets (settled with their stuck record),
   * and copies of moves interrupted before this protocol kept a record of each move. */
  unfinishedCopies(cutoff: Date, limit: number): Promise<TicketVersion[]> {
    return guardedCold('reading unfinished copies', async () => {
      const docs = await this.tickets
        .find({ 'archive.state': 'copied', 'archive.copiedAt': { $lte: cutoff } }, { projection: { version: 1 } })
        .limit(limit)
        .toArray();
      return docs.map((d) => ({ id: d._id.toString(), version: d.version.toString() }));
    });
  }

  /** The cold documents of one ticket (more than one would be a violation `verify` reports). */
  ofTicket(id: string): Promise<ColdDocument[]> {
    return this.ofTickets([id]);
  }

  /** The cold documents of these tickets. */
  ofTickets(ids: string[]): Promise<ColdDocument[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return guardedCold('reading cold documents', async () =>
      (await this.tickets.find({ _id: { $in: ids.map(int64) } }).toArray()).map(fromStored),
    );
  }

  /** Every cold document, one at a time (verify over everything). */
  async *all(): AsyncGenerator<ColdDocument> {
    try {
      for await (const doc of this.tickets.find({})) yield fromStored(doc);
    } catch (err) {
      throw coldStoreError(err, 'reading every cold document');
    }
  }

  /** Removes the archive of a ticket at its version (after a restore put the row back). */
  removeArchive(t: TicketVersion): Promise<void> {
    return guardedCold(
      `removing the archive of ticket ${t.id}`,
      async () => void (await this.tickets.deleteOne({ _id: int64(t.id), version: int64(t.version) })),
    );
  }
}
