// Writing a move's copies (ticket_archive.tickets), each written once: a copy already there stays unless it is stale
// (core/move/copyOrder.ts: another version read earlier, or the same version with other content while still only a
// copy), so a second write changes nothing and an older one never wins. A document the store cannot hold is refused
// up front, with the reason, so it cannot fail the whole batch again and again.
import { BSON, MongoBulkWriteError, type Collection } from 'mongodb';
import type { ColdDocument } from '../../core/move/coldDocument.ts';
import { copyIsStale } from '../../core/move/copyOrder.ts';
import { fromStored, toStored, type KeyCodec, type StoredColdDocument } from './documents.ts';
import { DUPLICATE_KEY } from './connection.ts';
import { partsSizeBound, type PartChunks, type StoredPartChunk } from './partChunks.ts';

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

/** The same bound over the row and the parts the document holds. */
const docSizeBound = (doc: StoredColdDocument): number =>
  roughSizeBound(doc.row) + (doc.parts ? partsSizeBound(doc.parts, 3) : 0);

export interface WriteResult {
  /** Keys whose stored copy was kept (the same version and content, or read later). */
  kept: Set<string>;
  /** Keys the store cannot hold, with its reason. */
  refused: Map<string, string>;
}

/** New copies go in one insertMany; the few keys that already had a copy (redelivery, retries, a race with another
 * mover, a schema change) are replaced in one bulk write where theirs is stale. */
export async function writeCopies(
  tickets: Collection<StoredColdDocument>,
  keys: KeyCodec,
  all: ColdDocument[],
  chunks: PartChunks,
): Promise<WriteResult> {
  const kept = new Set<string>();
  const refused = new Map<string, string>();
  const chunksOf = new Map<StoredColdDocument, StoredPartChunk[]>();
  const docs = all
    .map((d) => {
      const split = chunks.split(toStored(d, keys));
      chunksOf.set(split.doc, split.chunks);
      return split.doc;
    })
    .filter((doc) => {
      // Its exact size is computed only when a cheap upper bound (UTF-8 takes at most 3 bytes per UTF-16 unit) is near.
      if (docSizeBound(doc) < MAX_DOCUMENT_BYTES / 2) return true;
      const size = BSON.calculateObjectSize(doc);
      if (size <= MAX_DOCUMENT_BYTES) return true;
      refused.set(
        keys.text(doc._id),
        `the cold copy would be ${size} bytes, above the cold store's ${MAX_DOCUMENT_BYTES}-byte document limit`,
      );
      return false;
    });
  if (docs.length === 0) return { kept, refused };
  // Parts too large for their document first: a document never names chunks that are not there yet.
  await chunks.write(docs.flatMap((d) => chunksOf.get(d) ?? []));
  const result = await writeDocuments(tickets, keys, docs, { kept, refused });
  // The chunks of copies not written (kept or refused) are nobody's; those of copies replaced are gone with them.
  await chunks.remove(docs.filter((d) => result.kept.has(keys.text(d._id)) || result.refused.has(keys.text(d._id))));
  await chunks.remove(result.replaced);
  return { kept: result.kept, refused: result.refused };
}

async function writeDocuments(
  tickets: Collection<StoredColdDocument>,
  keys: KeyCodec,
  docs: StoredColdDocument[],
  { kept, refused }: WriteResult,
): Promise<WriteResult & { replaced: Array<{ archive: { partChunks?: { copy: string; count: number } } }> }> {
  let duplicates: StoredColdDocument[] = [];
  try {
    await tickets.insertMany(docs, { ordered: false });
  } catch (err) {
    if (!(err instanceof MongoBulkWriteError)) throw err;
    const errors = bulkWriteErrors(err);
    if (errors.length === 0) throw err;
    for (const e of errors) {
      const doc = docs[e.index] as StoredColdDocument;
      if (e.code === DUPLICATE_KEY) duplicates.push(doc);
      else if (REFUSAL_CODES.has(e.code))
        refused.set(keys.text(doc._id), `the cold store refused the copy (code ${e.code}): ${e.errmsg ?? ''}`);
      else throw err;
    }
  }
  if (duplicates.length === 0) return { kept, refused, replaced: [] };
  const projection = {
    version: 1,
    'archive.contentHash': 1,
    'archive.state': 1,
    'archive.readStamp': 1,
    'archive.partChunks': 1,
  };
  const existing = new Map(
    (await tickets.find({ _id: { $in: duplicates.map((d) => d._id) } }, { projection }).toArray()).map((e) => [
      keys.text(e._id),
      fromStored({ ...e, row: {}, fields: {} }, keys),
    ]),
  );
  duplicates = duplicates.filter((doc) => {
    const current = existing.get(keys.text(doc._id));
    const fresh = fromStored(doc, keys);
    if (current && !copyIsStale(current, fresh)) kept.add(fresh._id);
    return !kept.has(fresh._id);
  });
  if (duplicates.length === 0) return { kept, refused, replaced: [] };
  // Replaced only if still stale when written (another mover may have written meanwhile): another version read
  // earlier, or this version with other content and not yet an archive (ADD COLUMN changes no version).
  const stale = (doc: StoredColdDocument) => [
    { version: { $ne: doc.version }, 'archive.readStamp': { $lt: doc.archive.readStamp } },
    {
      version: doc.version,
      'archive.state': { $ne: 'archived' },
      'archive.contentHash': { $ne: doc.archive.contentHash },
    },
  ];
  try {
    await tickets.bulkWrite(
      duplicates.map((doc) => ({
        replaceOne: { filter: { _id: doc._id, $or: stale(doc) }, replacement: doc, upsert: true },
      })),
      { ordered: false },
    );
  } catch (err) {
    // Lost a race with a writer of the same version or a later read: that copy stays.
    if (!(err instanceof MongoBulkWriteError) || bulkWriteErrors(err).some((e) => e.code !== DUPLICATE_KEY)) throw err;
    for (const e of bulkWriteErrors(err)) kept.add(keys.text((duplicates[e.index] as StoredColdDocument)._id));
  }
  const replaced = duplicates.flatMap((d) => {
    const old = existing.get(keys.text(d._id));
    return !kept.has(keys.text(d._id)) && old?.archive.partChunks ? [old] : [];
  });
  return { kept, refused, replaced };
}
