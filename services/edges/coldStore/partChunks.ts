// A ticket's parts when they are too large for its document (the cold store refuses one over 16 MiB): the parts' JSON
// text in slices, each in a chunk document of ticket_archive.ticket_parts named by the copy that wrote it and its
// place ("<copy>:<seq>"), the ticket's document naming the copy and the count. Chunks are written before the ticket's
// document and are never an archive by themselves: only a ticket document that names them makes them one, and its
// content hash covers the parts they hold (core/move/aggregate.ts), so a missing or damaged chunk is found on read.
// Why slices of one text rather than GridFS or rows per chunk: docs/aggregates-design.md §3.
import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import type { ColdDocument } from '../../core/move/coldDocument.ts';
import type { StoredColdDocument, StoredKey } from './documents.ts';

/** Parts up to this size (their JSON's UTF-8 bytes) stay in the ticket's document, which must stay under 16 MiB. */
export const PARTS_INLINE_BYTES = 8 * 1024 * 1024;
/** UTF-16 units of JSON per chunk: at most 3 UTF-8 bytes each, so at most 12 MiB a chunk. */
const SLICE_UNITS = 4 * 1024 * 1024;

export interface StoredPartChunk {
  _id: string;
  ticket: StoredKey;
  copy: string;
  seq: number;
  data: string;
}

type Chunked = { archive: { partChunks?: { copy: string; count: number } } };

/** An upper bound of the parts' size in UTF-8 bytes when each UTF-16 unit of their strings takes at most
 * `bytesPerUnit` (3 in BSON; 6 in JSON, whose escapes are 6 bytes), with room for the names, quotes and separators. */
export function partsSizeBound(parts: NonNullable<StoredColdDocument['parts']>, bytesPerUnit: 3 | 6): number {
  let n = 0;
  for (const rows of Object.values(parts))
    for (const r of rows) {
      n += bytesPerUnit * (r.key.length + r.parent.length + r.version.length) + 64;
      for (const [name, value] of Object.entries(r.row)) n += bytesPerUnit * (name.length + (value?.length ?? 0)) + 16;
    }
  return n;
}

const chunkIds = (c: { copy: string; count: number }) => Array.from({ length: c.count }, (_, i) => `${c.copy}:${i}`);

/** Slices of `text`, never between the two halves of a surrogate pair. */
function slices(text: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + SLICE_UNITS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

export class PartChunks {
  private readonly chunks: Collection<StoredPartChunk>;

  constructor(db: Db) {
    this.chunks = db.collection<StoredPartChunk>('ticket_parts');
  }

  /** The document to store and its chunks: the parts leave the document only when they are too large for it. */
  split(doc: StoredColdDocument): { doc: StoredColdDocument; chunks: StoredPartChunk[] } {
    if (!doc.parts) return { doc, chunks: [] };
    // Serialized only when a cheap bound says it may be too large.
    if (partsSizeBound(doc.parts, 6) <= PARTS_INLINE_BYTES) return { doc, chunks: [] };
    const text = JSON.stringify(doc.parts);
    if (Buffer.byteLength(text) <= PARTS_INLINE_BYTES) return { doc, chunks: [] };
    const copy = randomUUID();
    const data = slices(text);
    const rest = { ...doc };
    delete rest.parts;
    return {
      doc: { ...rest, archive: { ...doc.archive, partChunks: { copy, count: data.length } } },
      chunks: data.map((d, seq) => ({ _id: `${copy}:${seq}`, ticket: doc._id, copy, seq, data: d })),
    };
  }

  /** One chunk at a time: each is up to 12 MiB, and a batch of them would exceed a command's size. */
  async write(chunks: StoredPartChunk[]): Promise<void> {
    for (const c of chunks) await this.chunks.replaceOne({ _id: c._id }, c, { upsert: true });
  }

  /** Removes the chunks of these documents' copies (documents that did not, or no longer, hold them). */
  async remove(docs: Chunked[]): Promise<void> {
    const ids = docs.flatMap((d) => (d.archive.partChunks ? chunkIds(d.archive.partChunks) : []));
    if (ids.length > 0) await this.chunks.deleteMany({ _id: { $in: ids } });
  }

  /** Puts the parts back into documents whose parts are in chunks. A missing chunk leaves `parts` absent (the
   * content hash then fails: verify reports it, restore refuses). */
  async load<T extends ColdDocument>(docs: T[]): Promise<T[]> {
    for (const doc of docs) {
      const c = doc.archive?.partChunks;
      if (!c || doc.parts) continue;
      const found = await this.chunks.find({ _id: { $in: chunkIds(c) } }).toArray();
      if (found.length !== c.count) continue;
      const text = found
        .sort((a, b) => a.seq - b.seq)
        .map((f) => f.data)
        .join('');
      try {
        doc.parts = JSON.parse(text) as ColdDocument['parts'];
      } catch {
        // Damaged: reported through the content hash.
      }
    }
    return docs;
  }
}
