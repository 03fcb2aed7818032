// The cold document of a ticket, and how it is made from the hot row and turned back into one.
//
// The exact copy is `row`: every column of the root table as PostgreSQL's own text output (read with fixed session
// settings: UTC, ISO dates, ISO-8601 intervals, shortest-exact floats, hex bytea), or null. Text I/O is what
// PostgreSQL guarantees to round-trip, so any type (numeric of any precision, timestamptz with microseconds,
// json/jsonb, arrays, bytea, columns added later) comes back equal on restore. `fields` holds a few typed values beside
// it for queries of the cold tier (typedFields.ts). Plain data: the key and the version are text, whatever their type.
import { RowShapeError } from '../errors.ts';
import { aggregateHash, partCounts, type TicketParts } from './aggregate.ts';
import { rowHash, type RowText } from './rowText.ts';
import { typedFields, type TypedValue } from './typedFields.ts';

export type { RowText } from './rowText.ts';

/**
 * inMove: written by move `archive.move`; an archive once that move is committed (moveProtocol.ts).
 * copied: written, not an archive (its move failed for it, or an older version of the protocol); settled by a later
 * move or the reconciler. archived: an archive on its own (confirmed after the fact).
 */
export type CopyState = 'inMove' | 'copied' | 'archived';

export interface ColdDocument {
  /** The ticket's key, as PostgreSQL's text of it. */
  _id: string;
  version: string;
  /** The columns the cold tier is queried by, typed (typedFields.ts). */
  fields: Record<string, TypedValue>;
  row: RowText;
  /** The ticket's rows in other tables (aggregate.ts), when the spec names parts. */
  parts?: TicketParts;
  archive: {
    state: CopyState;
    /** The move that wrote it (for state inMove). */
    move?: string;
    /** PostgreSQL type of every column at copy time (format_type). */
    columns: Record<string, string>;
    /** The row's hash; with parts, the whole aggregate's (aggregate.ts). */
    contentHash: string;
    /** With parts: the rows of each part counted at the move, and the PostgreSQL type of each part's columns. */
    parts?: { counts: Record<string, number>; columns: Record<string, Record<string, string>> };
    /** The cold store's: the parts held in chunk documents beside this one (too large for one document). */
    partChunks?: { copy: string; count: number };
    /** When the row was read, in the database's order of snapshots (copyOrder.ts): which of two copies is newer. */
    readStamp: bigint;
    /** Typed fields left null because they cannot hold the column's value (the exact text is in `row`). */
    untyped?: string[];
    copiedAt: Date;
    archivedAt: Date | null;
    mover: string;
  };
}

/** A row as a move read it: its key and version (the spec's version column, or xmin) beside its exact text. */
export interface ReadRow {
  key: string;
  version: string;
  row: RowText;
  /** With parts: every part row of the ticket, read in the same snapshot as the row. */
  parts?: TicketParts;
}

/** The hash of a row alone (the columns in name order; the same for the hot row and its cold copy). */
export const contentHash = rowHash;

export interface CopyContext {
  /** PostgreSQL type of every column (format_type). */
  columns: Record<string, string>;
  /** The columns to type beside the row (the spec's list columns and its activity column). */
  typed: string[];
  /** The zone timestamps without time zone are written in. */
  timeZone: string;
  readStamp: bigint;
  mover: string;
  now: Date;
  /** The move that writes it (state inMove); without one, a copy on its own (state copied). */
  move?: string;
  /** With parts: the PostgreSQL type of each part's columns, by path. */
  partColumns?: Record<string, Record<string, string>>;
}

/** The cold document of a row a move read. */
export function toColdDocument(read: ReadRow, c: CopyContext): ColdDocument {
  if (!read.key || !read.version) throw new RowShapeError('a ticket row needs a key and a version');
  const { fields, untyped } = typedFields(read.row, c.columns, c.typed, c.timeZone);
  return {
    _id: read.key,
    version: read.version,
    fields,
    row: read.row,
    ...(read.parts ? { parts: read.parts } : {}),
    archive: {
      state: c.move === undefined ? 'copied' : 'inMove',
      ...(c.move === undefined ? {} : { move: c.move }),
      columns: c.columns,
      contentHash: aggregateHash(read.row, read.parts),
      ...(read.parts ? { parts: { counts: partCounts(read.parts), columns: c.partColumns ?? {} } } : {}),
      readStamp: c.readStamp,
      ...(untyped.length > 0 ? { untyped } : {}),
      copiedAt: c.now,
      archivedAt: null,
      mover: c.mover,
    },
  };
}

/** Whether a cold document's row and parts are what its content hash says. */
export const holdsItsHash = (doc: Pick<ColdDocument, 'row' | 'parts'> & { archive?: { contentHash?: string } }) =>
  doc.archive?.contentHash === aggregateHash(doc.row ?? {}, doc.parts);

/** The row (and parts) to put back on restore, once the content hash proves they are what was copied. */
export function restorableRow(
  doc: Pick<ColdDocument, 'row' | 'parts'> & { archive: Pick<ColdDocument['archive'], 'contentHash'> },
): RowText {
  if (!holdsItsHash(doc)) {
    throw new RowShapeError('the cold copy does not match its content hash; refusing to restore a corrupted copy');
  }
  return doc.row;
}
