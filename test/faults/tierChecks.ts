// The suite's own checks, beside `ticket-archiver verify` (which relies on the product's ledger): every ticket the
// suite ever created is in a tier (nothing lost), every archive of an untouched ticket is the row exactly as it was
// loaded (exact copy), and every archived row was cold when it was deleted (only cold tickets leave). With parts, every
// part row the suite loaded or wrote is in its ticket's tier, as last written (partChecks.ts).
import { contentHash, type RowText } from '../../services/core/move/coldDocument.ts';
import { isArchive } from '../../services/core/move/moveProtocol.ts';
import type { StoredColdDocument } from '../../services/edges/coldStore/documents.ts';
import type { Stores } from '../support/stores.ts';
import type { FaultTable } from './faultTable.ts';
import { archivedParts, type PartChunk } from './hotParts.ts';
import { checkParts, partHashes, partViolationCount, type PartCheckReport, type PartHash } from './partChecks.ts';

export interface TierCheckInput {
  /** The table checked, and its rule of which rows are cold. */
  table: FaultTable;
  /** Every ticket id the suite created (loaded and inserted by the traffic). */
  created: Iterable<string>;
  /** For tickets the traffic never changed: the content hash of the row as loaded, over the columns it was loaded with
   * (a column added later is left out of the comparison; `addedColumns` checks it). */
  untouched: Map<string, { hash: string; columns: string[] }>;
  coldAfterMs: number;
  /** Columns added mid-run: archives of rows deleted after `since` must carry each with its value. */
  addedColumns: Array<{ name: string; value: string; since: Date }>;
}

export interface TierCheckReport {
  hot: number;
  archived: number;
  lost: string[];
  notAsLoaded: string[];
  notColdWhenDeleted: string[];
  missingAddedColumn: string[];
  /** With parts. */
  parts?: PartCheckReport;
}

export function tierViolationCount(r: TierCheckReport): number {
  return (
    r.lost.length +
    r.notAsLoaded.length +
    r.notColdWhenDeleted.length +
    r.missingAddedColumn.length +
    (r.parts ? partViolationCount(r.parts) : 0)
  );
}

function pick(row: RowText, columns: string[]): RowText {
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));
}

export async function checkTiers(stores: Stores, input: TierCheckInput): Promise<TierCheckReport> {
  const { db, cold } = stores;
  const parts = input.table.parts;
  const chunks = stores.coldStore.client.db(input.table.coldDatabase).collection<PartChunk>('ticket_parts');
  const archivedRows = new Map<string, PartHash[] | undefined>();
  let chunked = 0;
  const hot = new Set(
    (await db.query<{ id: string }>(`SELECT ${input.table.key}::text AS id FROM ${input.table.sql}`)).rows.map(
      (r) => r.id,
    ),
  );
  const deletedAt = new Map(
    (
      await db.query<{ id: string; at: Date }>(
        `SELECT ticket_key AS id, at FROM ticket_archiver.ledger WHERE state = 'archived'`,
      )
    ).rows.map((r) => [r.id, r.at]),
  );
  const report: TierCheckReport = {
    hot: hot.size,
    archived: 0,
    lost: [],
    notAsLoaded: [],
    notColdWhenDeleted: [],
    missingAddedColumn: [],
  };
  const archived = new Set<string>();
  const committed = new Set(
    (await cold.moves.find({ state: 'committed' }, { projection: { _id: 1 } }).toArray()).map((m) => m._id),
  );
  for await (const doc of cold.tickets.find({}) as AsyncIterable<StoredColdDocument>) {
    if (!doc.archive || !isArchive(doc.archive, committed.has(doc.archive.move ?? '') ? 'committed' : undefined))
      continue;
    const id = doc._id.toString();
    archived.add(id);
    if (parts) {
      if (doc.archive.partChunks) chunked++;
      const held = await archivedParts(doc, chunks);
      archivedRows.set(id, held && partHashes(held));
    }
    const row = doc.row;
    const loaded = input.untouched.get(id);
    if (loaded !== undefined && contentHash(pick(row, loaded.columns)) !== loaded.hash) report.notAsLoaded.push(id);
    const at = deletedAt.get(id);
    const lastOperated = input.table.activityMs(row);
    const column = input.table.activityColumn;
    if (Number.isNaN(lastOperated)) throw new Error(`ticket ${id}: ${column} ${row[column]} is no timestamp`);
    if (!input.table.closed(row) || (at !== undefined && lastOperated + input.coldAfterMs > at.getTime()))
      report.notColdWhenDeleted.push(id);
    if (input.addedColumns.some((c) => at !== undefined && at > c.since && row[c.name] !== c.value))
      report.missingAddedColumn.push(id);
  }
  report.archived = archived.size;
  const created: string[] = [];
  for (const id of input.created) {
    created.push(id);
    if (!hot.has(id) && !archived.has(id)) report.lost.push(id);
  }
  if (parts) {
    report.parts = await checkParts({
      spec: input.table.spec,
      book: parts.book,
      textDb: stores.textDb,
      tickets: created,
      hot,
      archives: archivedRows,
      archivedAt: deletedAt,
    });
    report.parts.chunkedArchives = chunked;
  }
  return report;
}
