// The cold tier's ticket documents (ticket_archive.tickets): copies written once per move (copyWrites.ts), the few
// state changes a move may need (core/move/moveProtocol.ts), removal of copies that never became archives, and the
// reads of the reconciler, restore and verify. Every ticket is named by its key, stored as the spec's key type says.
import type { Collection, Db, Document, Filter } from 'mongodb';
import type { ColdDocument } from '../../core/move/coldDocument.ts';
import { isArchive, type MoveState } from '../../core/move/moveProtocol.ts';
import type { TicketVersion } from '../../core/move/ports.ts';
import { coldStoreError, guardedCold } from './connection.ts';
import { writeCopies, type WriteResult } from './copyWrites.ts';
import { fromStored, type KeyCodec, type StoredColdDocument } from './documents.ts';
import { PartChunks } from './partChunks.ts';

export class ColdCopies {
  private readonly tickets: Collection<StoredColdDocument>;
  private readonly chunks: PartChunks;

  constructor(
    db: Db,
    private readonly keys: KeyCodec,
    /** The spec names parts: copies removed take their chunks with them (partChunks.ts). */
    private readonly withParts = false,
  ) {
    this.tickets = db.collection<StoredColdDocument>('tickets');
    this.chunks = new PartChunks(db);
  }

  async ensureIndexes(): Promise<void> {
    await this.tickets.createIndex({ 'archive.state': 1 }, { name: 'archive_state' });
  }

  writeCopies(docs: ColdDocument[]): Promise<WriteResult> {
    return guardedCold('writing copies', () => writeCopies(this.tickets, this.keys, docs, this.chunks));
  }

  /** Confirms copies as archives one by one (copies an earlier move wrote, of tickets whose hot row a mover deleted at
   * that version). A copy that is an archive already through its committed move is left as it is: a replay changes
   * nothing, and its archivedAt stays the move's. `moveStates` gives the state of the moves named. */
  markArchived(
    done: TicketVersion[],
    now: Date,
    moveStates: (ids: string[]) => Promise<Map<string, MoveState>>,
  ): Promise<void> {
    if (done.length === 0) return Promise.resolve();
    return guardedCold('confirming archives', async () => {
      const pending = await this.atVersions(
        done,
        { 'archive.state': { $ne: 'archived' } },
        { version: 1, 'archive.state': 1, 'archive.move': 1 },
      );
      const states = await moveStates(pending.flatMap((d) => (d.archive.move === undefined ? [] : [d.archive.move])));
      const unconfirmed = pending.filter(
        (d) => !isArchive(d.archive, d.archive.move === undefined ? undefined : states.get(d.archive.move)),
      );
      if (unconfirmed.length === 0) return;
      await this.tickets.bulkWrite(
        unconfirmed.map((d) => ({
          updateOne: {
            filter: { _id: d._id, version: d.version, 'archive.state': { $ne: 'archived' as const } },
            update: { $set: { 'archive.state': 'archived' as const, 'archive.archivedAt': now } },
          },
        })),
        { ordered: false },
      );
    });
  }

  /** Copies of `move` that did not become archives (stuck, kept hot): demoted, so the move's commit leaves them out. */
  demoteCopies(move: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return guardedCold('demoting copies', async () => {
      await this.tickets.updateMany(
        { _id: { $in: ids.map((id) => this.keys.stored(id)) }, 'archive.move': move, 'archive.state': 'inMove' },
        { $set: { 'archive.state': 'copied' } },
      );
    });
  }

  /** Removes copies that never became archives (the hot row changed or was deleted by the business), each only at the
   * version that was copied. An archive confirmed on its own is never removed here. */
  removeCopies(stale: TicketVersion[]): Promise<void> {
    if (stale.length === 0) return Promise.resolve();
    return guardedCold('removing stale copies', async () => {
      const filters = stale.map((t) => ({
        _id: this.keys.stored(t.id),
        version: t.version,
        'archive.state': { $ne: 'archived' as const },
      }));
      const chunked = await this.chunkedAmong(stale, { archives: false });
      await this.tickets.bulkWrite(
        filters.map((filter) => ({ deleteOne: { filter } })),
        { ordered: false },
      );
      await this.chunks.remove(chunked);
    });
  }

  /** Removes copies of a ticket at a version, whatever their state (a restored ticket's left-over archive). */
  removeAnyCopies(items: TicketVersion[]): Promise<number> {
    if (items.length === 0) return Promise.resolve(0);
    return guardedCold("removing restored tickets' archives", async () => {
      const filters = items.map((t) => ({ _id: this.keys.stored(t.id), version: t.version }));
      const chunked = await this.chunkedAmong(items, { archives: true });
      const res = await this.tickets.bulkWrite(
        filters.map((filter) => ({ deleteOne: { filter } })),
        { ordered: false },
      );
      await this.chunks.remove(chunked);
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
      return docs.map((d) => ({ id: this.keys.text(d._id), version: String(d.version) }));
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
      this.chunks.load(
        (await this.tickets.find({ _id: { $in: ids.map((id) => this.keys.stored(id)) } }).toArray()).map((d) =>
          fromStored(d, this.keys),
        ),
      ),
    );
  }

  /** Every cold document, one at a time (verify over everything). */
  async *all(): AsyncGenerator<ColdDocument> {
    try {
      for await (const doc of this.tickets.find({})) {
        const [loaded] = await this.chunks.load([fromStored(doc, this.keys)]);
        if (loaded) yield loaded;
      }
    } catch (err) {
      throw coldStoreError(err, 'reading every cold document');
    }
  }

  /** Removes the archive of a ticket at its version (after a restore put the row back). */
  removeArchive(t: TicketVersion): Promise<void> {
    return guardedCold(`removing the archive of ticket ${t.id}`, async () => {
      const filter = { _id: this.keys.stored(t.id), version: t.version };
      const chunked = await this.chunkedAmong([t], { archives: true });
      await this.tickets.deleteOne(filter);
      await this.chunks.remove(chunked);
    });
  }

  /** The documents of these tickets at these versions whose parts are in chunks (looked up only when the spec has
   * parts), archives among them only if asked. */
  private async chunkedAmong(items: TicketVersion[], o: { archives: boolean }): Promise<StoredColdDocument[]> {
    if (!this.withParts || items.length === 0) return [];
    const found = await this.atVersions(
      items,
      { 'archive.partChunks': { $exists: true } },
      { version: 1, 'archive.state': 1, 'archive.partChunks': 1 },
    );
    return o.archives ? found : found.filter((d) => d.archive.state !== 'archived');
  }

  /** The documents of these tickets that match `filter` and are at the version named. Found by _id alone, the version
   * checked here: DocumentDB scans the whole collection for an $or of (_id, version) pairs (seconds per batch at 50,000
   * archives, minutes of stalled moves in the fault suite). `projection` must keep `version`. */
  private async atVersions(
    items: TicketVersion[],
    filter: Filter<StoredColdDocument>,
    projection: Document,
  ): Promise<StoredColdDocument[]> {
    const versions = new Map(items.map((t) => [t.id, t.version]));
    const found = await this.tickets
      .find({ ...filter, _id: { $in: items.map((t) => this.keys.stored(t.id)) } }, { projection })
      .toArray();
    return found.filter((d) => versions.get(this.keys.text(d._id)) === String(d.version));
  }
}
