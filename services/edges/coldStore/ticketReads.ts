// The read API's view of the cold tier: an archived ticket, and a page of one of the spec's lists over the typed
// fields beside each row (a column's value, newest first by another column), or of the tickets last operated within
// a time range; each on an index of its own (created here from the spec). Only archives are shown: a copy whose move
// did not commit is not one (its ticket is still hot, or the reconciler settles it).
import type { Collection, Db, Filter } from 'mongodb';
import type { ColdDocument } from '../../core/move/coldDocument.ts';
import { isArchive, type MoveState } from '../../core/move/moveProtocol.ts';
import type { ArchiveSpec } from '../../core/spec/archiveSpec.ts';
import { guardedCold } from './connection.ts';
import { PartChunks } from './partChunks.ts';
import { fromStored, int64, type KeyCodec, type StoredColdDocument } from './documents.ts';

type MoveStates = (ids: string[]) => Promise<Map<string, MoveState>>;

/** Moves whose state the reader keeps: a move writes a batch (ARCHIVE_BATCH_SIZE, 500 by default), so this covers
 * millions of archives, for about a megabyte. */
const KNOWN_MOVES = 10_000;

/** The states of moves, the final ones (committed, abandoned: a move leaves only `copying`) remembered, so that a page
 * of archives still `inMove` (every one the direct backfill or the archiver wrote, until settled) costs one round trip
 * to the cold store, not two. The oldest remembered move is forgotten first. */
export function rememberingFinalStates(read: MoveStates, capacity = KNOWN_MOVES): MoveStates {
  const known = new Map<string, MoveState>();
  return async (ids) => {
    const unknown = [...new Set(ids)].filter((id) => !known.has(id));
    const found = unknown.length > 0 ? await read(unknown) : new Map<string, MoveState>();
    for (const [id, state] of found) {
      if (state === 'copying') continue;
      known.set(id, state);
      if (known.size > capacity) known.delete(known.keys().next().value as string);
    }
    return new Map(
      ids.flatMap((id) => {
        const state = known.get(id) ?? found.get(id);
        return state === undefined ? [] : [[id, state] as const];
      }),
    );
  };
}

/** A page of a cold list: by a list column's value, or by the activity column's range, ordered by `orderBy` (a
 * timestamp column) descending, then by key. */
export interface ColdListQuery {
  match: { column: string; value: string } | { column: string; from: Date; to: Date };
  orderBy: string;
  limit: number;
  /** After this ticket: its orderBy value and its key. */
  after?: { at: Date; id: string };
}

/** A list column's value as its typed field may hold it: a whole number as int64, or the text. */
const matching = (value: string) => (/^-?\d{1,19}$/.test(value) ? { $in: [int64(value), value] } : value);

const field = (c: string) => `fields.${c}`;

/** The key of a list's index: equality on its column (none for the range of the closed list), then its order and
 * the key, newest first. */
const listIndexKey = (column: string | undefined, orderBy: string): Record<string, 1 | -1> => ({
  ...(column === undefined ? {} : { [field(column)]: 1 }),
  [field(orderBy)]: -1,
  _id: -1,
});

/** The query of a list (exported for the tests' index checks). It names its list's index as a hint: without one, the
 * planner (no statistics on the documents, so every condition estimated alike) also scans the index of the copies'
 * state, which holds every archive, and intersects the two (a bitmap AND) - a cost growing with the whole cold tier
 * (77 ms of 81 at 210,000 archives for a customer with 5), where the list's index alone reads the value's entries.
 * FerretDB 2.7 on DocumentDB then sorts those entries (it reads no index in its order, even for one equality and a
 * sort on the next key), so a page costs what its value holds, not what the whole tier does. */
export function coldListQuery(
  q: ColdListQuery,
  keys: KeyCodec,
): { filter: Filter<StoredColdDocument>; sort: Record<string, 1 | -1>; hint: Record<string, 1 | -1> } {
  const and: Array<Filter<StoredColdDocument>> = [{ 'archive.state': { $in: ['archived', 'inMove'] } }];
  if ('value' in q.match) and.push({ [field(q.match.column)]: matching(q.match.value) });
  else and.push({ [field(q.match.column)]: { $gte: q.match.from, $lt: q.match.to } });
  if (q.after) {
    const at = field(q.orderBy);
    and.push({ $or: [{ [at]: { $lt: q.after.at } }, { [at]: q.after.at, _id: { $lt: keys.stored(q.after.id) } }] });
  }
  const hint = listIndexKey('value' in q.match ? q.match.column : undefined, q.orderBy);
  return { filter: { $and: and }, sort: { [field(q.orderBy)]: -1, _id: -1 }, hint };
}

export class ColdTicketReads {
  private readonly tickets: Collection<StoredColdDocument>;
  private readonly chunks: PartChunks;
  private readonly moveStates: MoveStates;

  constructor(
    db: Db,
    private readonly keys: KeyCodec,
    private readonly spec: ArchiveSpec,
    moveStates: MoveStates,
  ) {
    this.moveStates = rememberingFinalStates(moveStates);
    this.tickets = db.collection<StoredColdDocument>('tickets');
    this.chunks = new PartChunks(db);
  }

  /** One index per list (equality on its column, then its order and the key), and one on the activity column. */
  async ensureIndexes(): Promise<void> {
    for (const list of this.spec.lists) {
      await this.tickets.createIndex(listIndexKey(list.column, list.orderBy), { name: `list_${list.name}` });
    }
    await this.tickets.createIndex(listIndexKey(undefined, this.spec.activity.column), { name: 'list_activity' });
  }

  /** The ticket's archive, or undefined when the cold tier holds none (a copy that is not an archive included). */
  archive(id: string): Promise<ColdDocument | undefined> {
    return guardedCold(`reading the archive of ticket ${id}`, async () => {
      const docs = await this.tickets.find({ _id: this.keys.stored(id) }).toArray();
      return (await this.chunks.load(await this.archivesOf(docs.map((d) => fromStored(d, this.keys)))))[0];
    });
  }

  /** One more document than the page holds (archive or not), so the caller knows whether another page follows. */
  list(q: ColdListQuery): Promise<{ docs: ColdDocument[]; isArchive: (doc: ColdDocument) => boolean }> {
    return guardedCold(`listing tickets by ${q.match.column}`, async () => {
      const { filter, sort, hint } = coldListQuery(q, this.keys);
      // Lists stay on the root's fields: a ticket's parts are read with the ticket alone.
      const found = await this.tickets
        .find(filter, { projection: { parts: 0 }, hint })
        .sort(sort)
        .limit(q.limit + 1)
        .toArray();
      const docs = found.map((d) => fromStored(d, this.keys));
      const archives = new Set(await this.archivesOf(docs));
      return { docs, isArchive: (doc) => archives.has(doc) };
    });
  }

  private async archivesOf(docs: ColdDocument[]): Promise<ColdDocument[]> {
    const states = await this.moveStates(
      docs.flatMap((d) => (d.archive.state === 'inMove' && d.archive.move ? [d.archive.move] : [])),
    );
    return docs.filter((d) =>
      isArchive(d.archive, d.archive.move === undefined ? undefined : states.get(d.archive.move)),
    );
  }
}
