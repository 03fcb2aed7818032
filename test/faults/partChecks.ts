// The suite's own checks of a ticket's parts, beside `verify`: every part row the suite loaded or wrote is in exactly
// one tier, the tier of its ticket (hot in its table while the ticket is hot; in the ticket's archive, and no longer
// hot, once it is archived), and an archived row is the row as the suite last wrote it (its exact text, by content
// hash). A part row of an archived ticket still hot is left behind; a row in neither tier is lost.
//
// One exception is counted apart, never silently: a row of a (type, id) part that business code inserted without
// saving the ticket (the history-only write) after the move had checked the ticket's parts and before it committed.
// No lock guards such a row (docs/aggregates-design.md: "(type, id) parts have no such guard"), so it stays hot,
// orphaned; it is reported as a gap orphan when the database wrote it no earlier than GAP_SLACK_MS before the move's
// delete transaction began (the ledger's time), and as left behind otherwise.
import type pg from 'pg';
import type { TicketParts } from '../../services/core/move/aggregate.ts';
import { rowHash } from '../../services/core/move/rowText.ts';
import type { ArchiveSpec } from '../../services/core/spec/archiveSpec.ts';
import { readHotParts } from './hotParts.ts';
import type { PartBook } from './partBook.ts';

/** How much earlier than the delete transaction's start a history-only row may have been written and still have been
 * committed after the check (its commit a little later than its write, on a busy 2-core machine). */
export const GAP_SLACK_MS = 1000;

export interface PartCheckInput {
  spec: ArchiveSpec;
  book: PartBook;
  /** Reads every column as exact text, with the product's session settings. */
  textDb: pg.Pool;
  /** Every ticket created (hot, archived or lost). */
  tickets: string[];
  hot: Set<string>;
  /** Archived tickets and the part rows their archives hold (partHashes; undefined: they could not be read). */
  archives: Map<string, PartHash[] | undefined>;
  /** When each archived ticket's delete transaction began (the ledger). */
  archivedAt: Map<string, Date>;
}

export interface PartCheckReport {
  /** Rows the suite expects (loaded or written by its traffic), and those whose last write's outcome is unknown. */
  expected: number;
  uncertain: number;
  /** Part rows of the created tickets hot at the end, and part rows in archives. */
  hot: number;
  archived: number;
  /** Archives whose parts are in chunk documents (over 8 MiB); set by the caller, which reads the archives. */
  chunkedArchives: number;
  /** Rows in archives the suite did not know of (a write whose outcome it could not learn): not violations. */
  unknownArchived: number;
  lost: string[];
  leftHot: string[];
  inBothTiers: string[];
  notAsWritten: string[];
  /** In two archives, or an archive holds it under another ticket. */
  duplicated: string[];
  /** Archives whose parts could not be read (a chunk missing or damaged). */
  unreadable: string[];
  /** The documented gap (above): rows, and the tickets left hot only by such rows. Not violations. */
  gapOrphans: string[];
  gapTickets: string[];
}

/** A part row of an archive, by the hash of its text: what the checks keep of an archive's parts. */
export interface PartHash {
  path: string;
  key: string;
  hash: string;
}

export const partHashes = (parts: TicketParts): PartHash[] =>
  Object.entries(parts).flatMap(([path, rows]) => rows.map((r) => ({ path, key: r.key, hash: rowHash(r.row) })));

export const partViolationCount = (r: PartCheckReport): number =>
  r.lost.length +
  r.leftHot.length +
  r.inBothTiers.length +
  r.notAsWritten.length +
  r.duplicated.length +
  r.unreadable.length;

interface Seen {
  ticket: string;
  hash: string;
}
type ByPath = Map<string, Map<string, Seen>>;

function put(map: ByPath, path: string, key: string, seen: Seen): Seen | undefined {
  let byKey = map.get(path);
  if (!byKey) map.set(path, (byKey = new Map<string, Seen>()));
  const before = byKey.get(key);
  byKey.set(key, seen);
  return before;
}

export async function checkParts(input: PartCheckInput): Promise<PartCheckReport> {
  const { book, archives } = input;
  const report: PartCheckReport = {
    expected: book.size,
    uncertain: 0,
    hot: 0,
    archived: 0,
    chunkedArchives: 0,
    unknownArchived: 0,
    lost: [],
    leftHot: [],
    inBothTiers: [],
    notAsWritten: [],
    duplicated: [],
    unreadable: [],
    gapOrphans: [],
    gapTickets: [],
  };
  const name = (path: string, key: string, ticket: string) => `${path} ${key} of ticket ${ticket}`;
  const cold: ByPath = new Map();
  for (const [ticket, parts] of archives) {
    if (parts === undefined) {
      report.unreadable.push(ticket);
      continue;
    }
    for (const r of parts) {
      report.archived++;
      const before = put(cold, r.path, r.key, { ticket, hash: r.hash });
      if (before) report.duplicated.push(name(r.path, r.key, `${before.ticket} and ${ticket}`));
    }
  }
  const hot: ByPath = new Map();
  report.hot = await readHotParts(
    input.textDb,
    input.spec,
    input.tickets,
    (path, key, ticket, row) => void put(hot, path, key, { ticket, hash: rowHash(row) }),
    (path) => {
      const parents = book.ticketsByKey(path);
      for (const [key, s] of cold.get(path) ?? []) parents.set(key, s.ticket);
      return parents;
    },
  );

  const leftHotTickets = new Set<string>();
  const gapTickets = new Set<string>();
  for (const [path, key, e] of book.entries()) {
    if (e.hash === null) report.uncertain++;
    const h = hot.get(path)?.get(key);
    const c = cold.get(path)?.get(key);
    const differs = (s: Seen) => s.ticket !== e.ticket || (e.hash !== null && s.hash !== e.hash);
    const id = name(path, key, e.ticket);
    if (archives.has(e.ticket)) {
      const began = input.archivedAt.get(e.ticket)?.getTime();
      const gap = e.via === 'addHistory' && e.at !== undefined && began !== undefined && e.at >= began - GAP_SLACK_MS;
      if (h && c) report.inBothTiers.push(id);
      else if (h && !gap) report.leftHot.push(id);
      else if (h) report.gapOrphans.push(`${id} (written ${(e.at ?? 0) - (began ?? 0)} ms after the delete began)`);
      else if (!c) report.lost.push(id);
      else if (differs(c)) report.notAsWritten.push(id);
      if (h) (gap && !c ? gapTickets : leftHotTickets).add(e.ticket);
    } else if (input.hot.has(e.ticket)) {
      if (!h) report.lost.push(id);
      else if (differs(h)) report.notAsWritten.push(id);
      if (c) report.inBothTiers.push(id);
    } else report.lost.push(id);
  }
  // Rows the suite did not know of: hot under an archived ticket is left behind all the same.
  for (const [path, byKey] of hot)
    for (const [key, h] of byKey)
      if (!book.get(path, key) && archives.has(h.ticket)) {
        report.leftHot.push(`${name(path, key, h.ticket)} (not written by the suite)`);
        leftHotTickets.add(h.ticket);
      }
  for (const [path, byKey] of cold) for (const key of byKey.keys()) if (!book.get(path, key)) report.unknownArchived++;
  report.gapTickets = [...gapTickets].filter((t) => !leftHotTickets.has(t));
  return report;
}

/** verify's partsLeftHot names the tickets of the documented gap too: those whose only rows left hot the suite's
 * checks tell apart as gap orphans are taken out of verify's count (and logged, with every gap orphan). */
export function explainGapOrphans(
  parts: PartCheckReport,
  verify: { violationCount: number; violations?: Record<string, string[]> },
  log: (m: string) => void,
): void {
  for (const o of parts.gapOrphans) log(`gap orphan: ${o}`);
  const gap = new Set(parts.gapTickets);
  const leftHot = verify.violations?.partsLeftHot;
  if (!leftHot || gap.size === 0) return;
  const explained = leftHot.filter((id) => gap.has(id));
  verify.violations = { ...verify.violations, partsLeftHot: leftHot.filter((id) => !gap.has(id)) };
  verify.violationCount -= explained.length;
  log(`verify's partsLeftHot: ${explained.length} tickets left hot only by gap orphans (${explained.join(', ')})`);
}
