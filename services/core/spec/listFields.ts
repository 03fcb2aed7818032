// The cold tier's lists, from the spec: each lists the archived tickets with one value of a column, ordered by another
// (newest first); the activity column orders the list of tickets by when they were last operated on. These columns
// are typed beside each cold document's exact row (move/typedFields.ts) and indexed in the cold store.
import type { ArchiveSpec } from './archiveSpec.ts';

export interface ListField {
  name: string;
  column: string;
  orderBy: string;
}

/** The spec's lists. */
export const listFields = (spec: ArchiveSpec): ListField[] => spec.lists;

/** Every column typed beside a cold document's row: the lists' columns, their orders and the activity column. */
export function typedColumns(spec: ArchiveSpec): string[] {
  return [...new Set([spec.activity.column, ...spec.lists.flatMap((l) => [l.column, l.orderBy])])];
}
