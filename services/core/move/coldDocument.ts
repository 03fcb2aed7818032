// The cold document of a ticket, and how it is made from the hot row and turned back into one.
//
// The exact copy is `row`: every column of the root table as PostgreSQL's own text output (read with fixed session
// settings: UTC, ISO dates, ISO-8601 intervals, shortest-exact floats, hex bytea), or null. Text I/O is what
// PostgreSQL guarantees to round-trip, so any type (numeric of any precision, timestamptz with microseconds,
// json/jsonb, arrays, bytea, columns added later) comes back equal on restore. `fields` holds a few typed values beside
// it for queries of the cold tier (typedFields.ts). Plain data: the key and the version are text, whatever their type.
import { createHash } from 'node:crypto';
import { RowShapeError } from '../errors.ts';
import { typedFields, type TypedValue } from './typedFields.ts';

/** A hot row as text: column name -> PostgreSQL text output, or null. */
export type RowText = Record<string, string | null>;

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
  archive: {
    state: CopyState;
    /** The move that wrote it (for state inMove). */
    move?: string;
    /** PostgreSQL type of every column at copy time (format_type). */
    columns: Record<string, string>;
    contentHash: string;
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
}

/** sha256 over the columns in name order; the same for the hot row and its cold copy. */
export function contentHash(row: RowText): string {
  // name, \0N (null) or \0V<value>, \1 per column: joined and hashed in one call (the same digest as one update per
  // piece, for a fraction of the calls into the hash).
  const parts: string[] = [];
  for (const name of Object.keys(row).sort()) {
    const value = row[name];
    parts.push(name, value === null || value === undefined ? '\u0000N' : `\u0000V${value}`, '\u0001');
  }
  return createHash('sha256').update(parts.join('')).digest('hex');
}

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
    archive: {
      state: c.move === undefined ? 'copied' : 'inMove',
      ...(c.move === undefined ? {} : { move: c.move }),
      columns: c.columns,
      contentHash: contentHash(read.row),
      readStamp: c.readStamp,
      ...(untyped.length > 0 ? { untyped } : {}),
      copiedAt: c.now,
      archivedAt: null,
      mover: c.mover,
    },
  };
}

/** The row to put back on restore, once its content hash proves it is the row that was copied. */
export function restorableRow(doc: { row: RowText; archive: Pick<ColdDocument['archive'], 'contentHash'> }): RowText {
  if (contentHash(doc.row) !== doc.archive.contentHash) {
    throw new RowShapeError('the cold copy does not match its content hash; refusing to restore a corrupted copy');
  }
  return doc.row;
}
