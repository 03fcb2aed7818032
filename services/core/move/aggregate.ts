// A ticket's parts as a move carries them: every row of every part, by the part's path, with its key, its parent's
// key and its version beside its exact text (as the root row is carried: coldDocument.ts). The aggregate's hash
// covers the root row and every part row with its version, so a copy is the same aggregate only if nothing in it
// changed; the manifest (path, key, version) is what the delete checks (docs/aggregates-design.md).
import { createHash } from 'node:crypto';
import { rowHash, type RowText } from './rowText.ts';

export interface PartRow {
  key: string;
  /** The parent's key (the ticket's, or the enclosing part row's), as text. */
  parent: string;
  version: string;
  row: RowText;
}

/** Part rows by path ("articles", "articles.flags"); every path of the spec is present, empty or not. */
export type TicketParts = Record<string, PartRow[]>;

/** One part row as the delete checks it. */
export interface PartVersion {
  path: string;
  key: string;
  version: string;
}

const byKey = (a: PartRow, b: PartRow) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The rows the delete must find unchanged, in a fixed order. */
export function partsManifest(parts: TicketParts): PartVersion[] {
  return Object.keys(parts)
    .sort()
    .flatMap((path) => [...(parts[path] ?? [])].sort(byKey).map((r) => ({ path, key: r.key, version: r.version })));
}

export function partCounts(parts: TicketParts): Record<string, number> {
  return Object.fromEntries(Object.entries(parts).map(([path, rows]) => [path, rows.length]));
}

/** The hash of a root row alone (no parts) is its row hash, as before parts existed; with parts, a hash over the
 * root's and every part row's hash, key, parent and version, in path and key order. */
export function aggregateHash(row: RowText, parts?: TicketParts): string {
  const root = rowHash(row);
  if (parts === undefined) return root;
  const h = createHash('sha256').update(`root\u0000${root}\u0001`);
  for (const path of Object.keys(parts).sort()) {
    for (const r of [...(parts[path] ?? [])].sort(byKey))
      h.update(`${path}\u0000${r.key}\u0000${r.parent}\u0000${r.version}\u0000${rowHash(r.row)}\u0001`);
  }
  return h.digest('hex');
}

/** Whether a delete-time read of part rows (by path) matches the manifest: same rows, same versions. */
export function sameParts(manifest: PartVersion[], current: PartVersion[]): boolean {
  if (manifest.length !== current.length) return false;
  const want = new Set(manifest.map((m) => `${m.path}\u0000${m.key}\u0000${m.version}`));
  return current.every((c) => want.has(`${c.path}\u0000${c.key}\u0000${c.version}`));
}
