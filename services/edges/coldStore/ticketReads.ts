// The read API's view of the cold tier: an archived ticket, and a page of one of the agents' lists over the typed
// fields beside each row, each list on an index of its own (created here). Only archives are shown: a copy whose
// move did not commit is not one (its ticket is still hot, or the reconciler settles it).
import type { Collection, Db, Filter } from 'mongodb';
import type { ColdDocument } from '../../core/move/coldDocument.ts';
import { isArchive, type MoveState } from '../../core/move/moveProtocol.ts';
import { LIST_ORDER, type ListQuery } from '../../core/read/listing.ts';
import { guardedCold } from './connection.ts';
import { fromStored, int64, type StoredColdDocument } from './documents.ts';

type MoveStates = (ids: string[]) => Promise<Map<string, MoveState>>;

/** The indexes of the lists: equality on the owner, then the sort key and the id, as the queries sort. */
const LIST_INDEXES = [
  { key: { last_operator_id: 1, last_operated_at: -1, _id: -1 }, name: 'read_operator' },
  { key: { last_operator_group_id: 1, last_operated_at: -1, _id: -1 }, name: 'read_operator_group' },
  { key: { customer_id: 1, created_at: -1, _id: -1 }, name: 'read_customer' },
  { key: { last_operated_at: -1, _id: -1 }, name: 'read_closed' },
] as const;

/** The query of a list (exported for the tests' index checks). Cold tickets are all closed: `unassigned` has none. */
export function coldListQuery(q: ListQuery): { filter: Filter<StoredColdDocument>; sort: Record<string, 1 | -1> } {
  const { column, descending } = LIST_ORDER[q.view];
  const and: Array<Filter<StoredColdDocument>> = [{ 'archive.state': { $in: ['archived', 'inMove'] } }];
  const owner = q.filter.ownerId === undefined ? undefined : int64(q.filter.ownerId);
  if (q.view === 'operator') and.push({ last_operator_id: owner, status: q.filter.status ?? 'closed' });
  if (q.view === 'operatorGroup') and.push({ last_operator_group_id: owner, status: q.filter.status ?? 'closed' });
  if (q.view === 'customer') and.push({ customer_id: owner });
  if (q.view === 'closed')
    and.push({ last_operated_at: { $gte: new Date(q.filter.from ?? 0), $lt: new Date(q.filter.to ?? Date.now()) } });
  if (q.view === 'unassigned') and.push({ status: 'unassigned' });
  if (q.after) {
    const at = new Date(q.after.at);
    const id = int64(q.after.id);
    const beyond = descending ? '$lt' : '$gt';
    and.push({ $or: [{ [column]: { [beyond]: at } }, { [column]: at, _id: { [beyond]: id } }] });
  }
  const dir = descending ? -1 : 1;
  return { filter: { $and: and }, sort: { [column]: dir, _id: dir } };
}

export class ColdTicketReads {
  private readonly tickets: Collection<StoredColdDocument>;

  constructor(
    db: Db,
    private readonly moveStates: MoveStates,
  ) {
    this.tickets = db.collection<StoredColdDocument>('tickets');
  }

  async ensureIndexes(): Promise<void> {
    for (const index of LIST_INDEXES) await this.tickets.createIndex(index.key, { name: index.name });
  }

  /** The ticket's archive, or undefined when the cold tier holds none (a copy that is not an archive included). */
  archive(id: string): Promise<ColdDocument | undefined> {
    return guardedCold(`reading the archive of ticket ${id}`, async () => {
      const docs = await this.tickets.find({ _id: int64(id) }).toArray();
      return (await this.archivesOf(docs.map(fromStored)))[0];
    });
  }

  /** One more document than the page holds (archive or not), so the caller knows whether another page follows. */
  list(q: ListQuery): Promise<{ docs: ColdDocument[]; isArchive: (doc: ColdDocument) => boolean }> {
    return guardedCold(`listing ${q.view} tickets`, async () => {
      const { filter, sort } = coldListQuery(q);
      const docs = (
        await this.tickets
          .find(filter)
          .sort(sort)
          .limit(q.limit + 1)
          .toArray()
      ).map(fromStored);
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
