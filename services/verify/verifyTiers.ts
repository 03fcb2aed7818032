// `ticket-archiver verify`: proves invariants 1 to 4 on the real data. Every ticket a mover deleted has a cold copy
// (nothing lost), no ticket is archived while still hot (no both at rest), every archive is the version that was
// deleted and matches its content hash (exact copy), and no ticket has two cold documents (no duplicates). With parts,
// the hash covers every part row, and no part row of an archived ticket is left in the hot tables.
import { holdsItsHash, type ColdDocument } from '../core/move/coldDocument.ts';
import type { TicketParts } from '../core/move/aggregate.ts';
import { isArchive, type MoveState } from '../core/move/moveProtocol.ts';
import type { ArchiveSpec } from '../core/spec/archiveSpec.ts';
import type { ColdStore } from '../edges/coldStore/index.ts';
import type { MoverHotStore } from '../edges/hotStore/index.ts';

export interface VerifyReport {
  checked: { hotTickets: number; coldDocuments: number; ledgerArchived: number; sampled: boolean };
  violations: {
    /** A mover deleted the hot row (ledger) and no cold copy exists: readable from neither tier. */
    missingFromBothTiers: string[];
    /** Archived in the cold store while the hot row exists. */
    inBothTiers: string[];
    /** The archive is not the version whose hot row was deleted. */
    wrongVersion: string[];
    /** The archive's content does not match its hash, id or version. */
    corruptCopy: string[];
    /** More than one cold document for one ticket. */
    duplicates: string[];
    /** Archived (not hot) while rows of its parts are in the hot tables: rows copied and still there, or rows linked
     * to it that its archive does not hold. */
    partsLeftHot: string[];
  };
  /** Not violations: copies that are not archives (in a move not yet committed, stuck, or waiting for the reconciler). */
  pendingCopies: number;
}

export function violationCount(r: VerifyReport): number {
  return Object.values(r.violations).reduce((n, ids) => n + ids.length, 0);
}

/** The row's key and version columns, as the spec names them; an xmin version is no column of the row. */
type RowColumns = Pick<ArchiveSpec, 'key' | 'version'>;

function checkDocument(doc: ColdDocument, spec: RowColumns): boolean {
  return (
    holdsItsHash(doc) &&
    doc.row?.[spec.key.column] === doc._id &&
    (spec.version === 'xmin' || doc.row?.[spec.version.column] === doc.version)
  );
}

export async function verifyTiers(
  hotStore: MoverHotStore,
  cold: ColdStore,
  spec: RowColumns,
  options: { sample?: number } = {},
): Promise<VerifyReport> {
  const sampled = options.sample !== undefined;
  const ids = sampled ? await hotStore.census.sampleIds(options.sample ?? 0) : undefined;
  const hot = await hotStore.census.hotVersions(ids);
  const ledger = await hotStore.census.archivedVersions(ids);

  const docsByTicket = new Map<string, ColdDocument[]>();
  const add = (doc: ColdDocument) => {
    const key = String(doc.row?.[spec.key.column] ?? doc._id);
    docsByTicket.set(key, [...(docsByTicket.get(key) ?? []), doc]);
  };
  let coldDocuments = 0;
  if (ids) {
    for (let i = 0; i < ids.length; i += 1000) {
      for (const doc of await cold.copies.ofTickets(ids.slice(i, i + 1000))) {
        add(doc);
        coldDocuments++;
      }
    }
  } else {
    for await (const doc of cold.copies.all()) {
      add(doc);
      coldDocuments++;
    }
  }
  // A document is an archive by its own state or by its move's commit (core/move/moveProtocol.ts).
  const moveIds = [...docsByTicket.values()].flat().flatMap((doc) => (doc.archive?.move ? [doc.archive.move] : []));
  const moveStates: Map<string, MoveState> = ids
    ? await cold.moves.states(moveIds)
    : new Map([...(await cold.moves.committed())].map((id) => [id, 'committed' as const]));

  const report: VerifyReport = {
    checked: { hotTickets: hot.size, coldDocuments, ledgerArchived: ledger.size, sampled },
    violations: {
      missingFromBothTiers: [],
      inBothTiers: [],
      wrongVersion: [],
      corruptCopy: [],
      duplicates: [],
      partsLeftHot: [],
    },
    pendingCopies: 0,
  };
  const withParts: Array<{ id: string; parts: TicketParts }> = [];
  for (const id of ledger.keys()) {
    if (!hot.has(id) && (docsByTicket.get(id) ?? []).length === 0) report.violations.missingFromBothTiers.push(id);
  }
  for (const [id, docs] of docsByTicket) {
    if (docs.length > 1) report.violations.duplicates.push(id);
    for (const doc of docs) {
      if (!checkDocument(doc, spec)) report.violations.corruptCopy.push(id);
      if (!doc.archive || !isArchive(doc.archive, moveStates.get(doc.archive.move ?? ''))) {
        report.pendingCopies++;
        continue;
      }
      if (hot.has(id)) report.violations.inBothTiers.push(id);
      else if (doc.parts) withParts.push({ id, parts: doc.parts });
      const deleted = ledger.get(id);
      if (deleted !== undefined && deleted !== doc.version) report.violations.wrongVersion.push(id);
    }
  }
  for (let i = 0; i < withParts.length; i += 500)
    report.violations.partsLeftHot.push(...(await hotStore.census.hotPartsOf(withParts.slice(i, i + 500))));
  for (const list of Object.values(report.violations)) list.sort((a, b) => Number(a) - Number(b));
  return report;
}
