// The cold document of a ticket, and how it is made from the hot row and turned back into one.
//
// The exact copy is `row`: every column of public.tickets as PostgreSQL's own text output (read with fixed session
// settings: UTC, ISO dates, ISO-8601 intervals, shortest-exact floats, hex bytea), or null. Text I/O is what
// PostgreSQL guarantees to round-trip, so any type (numeric of any precision, timestamptz with microseconds,
// json/jsonb, arrays, bytea, columns added later) comes back equal on restore. A few typed fields beside it serve
// queries of the cold tier (a customer's tickets, a time range). Large text is stored once, inside `row`. A typed
// field that cannot hold its column's value ('infinity', a year beyond a Date's range, a column whose type changed)
// is null and named in `archive.untyped`: such a row is archived like any other, never stuck.
// Plain data: ids, versions and other bigints are decimal text here; the cold store's edge stores them as int64.
import { createHash } from 'node:crypto';
import { RowShapeError } from '../errors.ts';
import { dateOrNull, pgTimestampMs } from '../timestamps.ts';

/** A hot row as text: column name -> PostgreSQL text output, or null. */
export type RowText = Record<string, string | null>;

/**
 * inMove: written by move `archive.move`; an archive once that move is committed (moveProtocol.ts).
 * copied: written, not an archive (its move failed for it, or an older version of the protocol); settled by a later
 * move or the reconciler. archived: an archive on its own (confirmed after the fact).
 */
export type CopyState = 'inMove' | 'copied' | 'archived';

export interface ColdDocument {
  /** The ticket id. */
  _id: string;
  version: string;
  customer_id: string | null;
  status: string | null;
  created_at: Date | null;
  last_operated_at: Date | null;
  last_operator_id: string | null;
  last_operator_group_id: string | null;
  row: RowText;
  archive: {
    state: CopyState;
    /** The move that wrote it (for state inMove). */
    move?: string;
    /** PostgreSQL type of every column at copy time (format_type). */
    columns: Record<string, string>;
    contentHash: string;
    /** Typed fields left null because they cannot hold the column's value (the exact text is in `row`). */
    untyped?: string[];
    copiedAt: Date;
    archivedAt: Date | null;
    mover: string;
  };
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

function bigintText(column: string, text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  if (!/^-?\d+$/.test(text))
    throw new RowShapeError(`column ${column}: expected a whole number, got ${JSON.stringify(text.slice(0, 40))}`);
  return text;
}

/** PostgreSQL's ISO timestamptz output in UTC ("2026-11-21 19:34:43.479004+00") to a Date (milliseconds); null
 * for null and for what a Date cannot hold ('infinity', years beyond +-275,760). */
export function pgTimestampToDate(text: string | null | undefined): Date | null {
  return text === null || text === undefined ? null : dateOrNull(pgTimestampMs(text));
}

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** The typed fields beside `row`, and the names of those that cannot hold their column's value. */
function typedFields(row: RowText) {
  const untyped: string[] = [];
  const whole = (name: string): string | null => {
    const text = row[name];
    if (text === null || text === undefined) return null;
    if (/^-?\d{1,19}$/.test(text) && BigInt(text) >= INT64.min && BigInt(text) <= INT64.max) return text;
    untyped.push(name);
    return null;
  };
  const instant = (name: string): Date | null => {
    const text = row[name];
    const date = pgTimestampToDate(text);
    if (date === null && text !== null && text !== undefined) untyped.push(name);
    return date;
  };
  const fields = {
    customer_id: whole('customer_id'),
    status: row.status ?? null,
    created_at: instant('created_at'),
    last_operated_at: instant('last_operated_at'),
    last_operator_id: whole('last_operator_id'),
    last_operator_group_id: whole('last_operator_group_id'),
  };
  return { fields, untyped };
}

/** The cold document of a hot row, written by move `move` (state inMove), or on its own (state copied). */
export function toColdDocument(
  row: RowText,
  columns: Record<string, string>,
  mover: string,
  now: Date,
  move?: string,
): ColdDocument {
  const id = row.id;
  const version = row.version;
  if (!id || !version) throw new RowShapeError('a ticket row needs id and version');
  const { fields, untyped } = typedFields(row);
  return {
    _id: bigintText('id', id) as string,
    version: bigintText('version', version) as string,
    ...fields,
    row,
    archive: {
      state: move === undefined ? 'copied' : 'inMove',
      ...(move === undefined ? {} : { move }),
      columns,
      contentHash: contentHash(row),
      ...(untyped.length > 0 ? { untyped } : {}),
      copiedAt: now,
      archivedAt: null,
      mover,
    },
  };
}

/** The row to put back on restore, once its content hash proves it is the row that was copied. */
export function restorableRow(doc: Pick<ColdDocument, 'row' | 'archive'>): RowText {
  if (contentHash(doc.row) !== doc.archive.contentHash) {
    throw new RowShapeError('the cold copy does not match its content hash; refusing to restore a corrupted copy');
  }
  return doc.row;
}

/** A version as any store hands it back (text, number, bigint, a driver's int64). */
export type VersionLike = string | number | bigint | { toString(): string };

/**
 * Whether a copy already in the store must give way to `doc`, a fresh copy of the hot row: it is of an older version,
 * or of the same version with other content while still only a copy (the table changed shape since it was written:
 * ADD COLUMN changes no version). An archive of the same or a newer version is never replaced.
 */
export function copyIsStale(
  existing: { version: VersionLike; archive?: { state?: CopyState; contentHash?: string } },
  doc: { version: VersionLike; archive: { contentHash: string } },
): boolean {
  const version = BigInt(existing.version.toString());
  const fresh = BigInt(doc.version.toString());
  if (version < fresh) return true;
  if (version > fresh) return false;
  return existing.archive?.state !== 'archived' && existing.archive?.contentHash !== doc.archive.contentHash;
}
