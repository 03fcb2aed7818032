// The part rows of given tickets in both tiers, as the suite's checks see them, independent of the product's reads:
// hot, each part of the spec queried by its link (and the type half of a (type, id) link), parents first, every column
// as exact text (a pool with the product's session settings, as the suite reads the root rows); cold, the parts an
// archive holds in its document or, beyond 8 MiB, in the chunk documents of ticket_parts that it names.
import type { Collection } from 'mongodb';
import type pg from 'pg';
import type { TicketParts } from '../../services/core/move/aggregate.ts';
import type { RowText } from '../../services/core/move/rowText.ts';
import type { ArchiveSpec } from '../../services/core/spec/archiveSpec.ts';
import { quoteIdent, quoteQualified } from '../../services/core/spec/identifiers.ts';
import { partPlans } from '../../services/core/spec/partPlan.ts';
import type { StoredColdDocument } from '../../services/edges/coldStore/documents.ts';

const KEY = 'faults.key';
const PARENT = 'faults.parent';
const BATCH = 5000;

export type OnPartRow = (path: string, key: string, ticket: string, row: RowText) => void;

/**
 * Calls `onRow` for every hot row of every part under `tickets`: rows of the first level by the tickets' keys, deeper
 * rows by their parents' keys, the parents being the hot rows just read and those of `moreParents(path)` (rows of an
 * archived ticket's part, or rows the suite wrote: a child left behind hot when its parent moved is found through
 * them). Returns the number of rows read.
 */
export async function readHotParts(
  db: pg.Pool,
  spec: ArchiveSpec,
  tickets: string[],
  onRow: OnPartRow,
  moreParents: (path: string) => Map<string, string> = () => new Map(),
): Promise<number> {
  const seen = new Map<string, Map<string, string>>();
  let count = 0;
  for (const plan of partPlans(spec)) {
    const parents =
      plan.parent === null
        ? new Map(tickets.map((t) => [t, t]))
        : new Map([...moreParents(plan.parent), ...(seen.get(plan.parent) ?? [])]);
    const here = new Map<string, string>();
    seen.set(plan.path, here);
    const p = plan.spec;
    const where = p.link.where ? ` AND (${p.link.where})` : '';
    const sql = `SELECT p.*, p.${quoteIdent(p.key.column)}::text AS "${KEY}", p.${quoteIdent(p.link.column)}::text AS "${PARENT}"
                   FROM ${quoteQualified(p.table)} p
                  WHERE p.${quoteIdent(p.link.column)} = ANY($1::${plan.parentKeyType}[])${where}`;
    const keys = [...parents.keys()];
    for (let i = 0; i < keys.length; i += BATCH) {
      const { rows } = await db.query<RowText>(sql, [keys.slice(i, i + BATCH)]);
      for (const r of rows) {
        const key = r[KEY] as string;
        const ticket = parents.get(r[PARENT] as string) as string;
        const row: RowText = {};
        for (const [name, value] of Object.entries(r)) if (name !== KEY && name !== PARENT) row[name] = value;
        here.set(key, ticket);
        onRow(plan.path, key, ticket, row);
        count++;
      }
    }
  }
  return count;
}

/** A stored part chunk (edges/coldStore/partChunks.ts): a slice of the parts' JSON text. */
export interface PartChunk {
  _id: string;
  seq: number;
  data: string;
}

/** The parts an archive holds: in its document, or reassembled from the chunks its document names (undefined when a
 * chunk is missing or the text does not parse: the parts of that archive are then lost to the checks). */
export async function archivedParts(
  doc: StoredColdDocument,
  chunks: Collection<PartChunk>,
): Promise<TicketParts | undefined> {
  if (doc.parts) return doc.parts;
  const c = doc.archive?.partChunks;
  if (!c) return undefined;
  const ids = Array.from({ length: c.count }, (_, i) => `${c.copy}:${i}`);
  const found = await chunks.find({ _id: { $in: ids } }).toArray();
  if (found.length !== c.count) return undefined;
  try {
    return JSON.parse(
      found
        .sort((a, b) => a.seq - b.seq)
        .map((f) => f.data)
        .join(''),
    ) as TicketParts;
  } catch {
    return undefined;
  }
}
