// The cold document of a ticket, and how it is made from the hot row and turned back into one.
//
// The exact copy is `row`: every column of public.tickets as PostgreSQL's own text output (read with fixed session
// settings: UTC, ISO dates, ISO-8601 intervals, shortest-exact floats, hex bytea), or null. Text I/O is what
// PostgreSQL guarantees to round-trip, so any type (numeric of any precision, timestamptz with microseconds,
// json/jsonb, arrays, bytea, columns added later) comes back equal on restore. A few typed fields beside it serve
// queries of the cold tier (a customer's tickets, a time range). Large text is stored once, inside `row`.
import { createHash } from 'node:crypto';
import { Long } from 'mongodb';

/** A hot row as text: column name -> PostgreSQL text output, or null. */
export type RowText = Record<string, string | null>;

export type CopyState = 'copied' | 'archived';

export interface ColdDocument {
  _id: Long;
  version: Long;
  customer_id: Long | null;
  status: string | null;
  created_at: Date | null;
  last_operated_at: Date | null;
  last_operator_id: Long | null;
  last_operator_group_id: Long | null;
  row: RowText;
  archive: {
    /** copied: written, hot row not yet deleted (not readable as archived); archived: hot row deleted. */
    state: CopyState;
    /** PostgreSQL type of every column at copy time (format_type). */
    columns: Record<string, string>;
    contentHash: string;
    copiedAt: Date;
    archivedAt: Date | null;
    mover: string;
  };
}

export class RowShapeError extends Error {
  override name = 'RowShapeError';
}

/** sha256 over the columns in name order; the same for the hot row and its cold copy. */
export function contentHash(row: RowText): string {
  const h = createHash('sha256');
  for (const name of Object.keys(row).sort()) {
    const value = row[name];
    h.update(name);
    h.update(value === null || value === undefined ? '\u0000N' : `\u0000V${value}`);
    h.update('\u0001');
  }
  return h.digest('hex');
}

function long(text: string | null | undefined): Long | null {
  return text === null || text === undefined ? null : Long.fromString(text);
}

/** PostgreSQL's ISO timestamptz output in UTC ("2026-11-21 19:34:43.479004+00") to a Date (milliseconds). */
export function pgTimestampToDate(text: string | null | undefined): Date | null {
  if (text === null || text === undefined) return null;
  const d = new Date(text.replace(' ', 'T').replace(/\+00$/, 'Z'));
  if (Number.isNaN(d.getTime())) throw new RowShapeError(`unexpected timestamptz text: ${text}`);
  return d;
}

export function toColdDocument(row: RowText, columns: Record<string, string>, mover: string, now: Date): ColdDocument {
  const id = row.id;
  const version = row.version;
  if (!id || !version) throw new RowShapeError('a ticket row needs id and version');
  return {
    _id: Long.fromString(id),
    version: Long.fromString(version),
    customer_id: long(row.customer_id),
    status: row.status ?? null,
    created_at: pgTimestampToDate(row.created_at),
    last_operated_at: pgTimestampToDate(row.last_operated_at),
    last_operator_id: long(row.last_operator_id),
    last_operator_group_id: long(row.last_operator_group_id),
    row,
    archive: { state: 'copied', columns, contentHash: contentHash(row), copiedAt: now, archivedAt: null, mover },
  };
}

/**
 * The JSON given to json_populate_record(NULL::public.tickets, $1) to restore the row. A JSON string is fed to the
 * column type's input function, so every value comes back equal, except for json/jsonb columns, which take the JSON
 * value itself: their text is embedded as it is (never parsed here, so numbers beyond double precision survive).
 */
export function restoreRecordJson(doc: Pick<ColdDocument, 'row' | 'archive'>): string {
  if (contentHash(doc.row) !== doc.archive.contentHash) {
    throw new RowShapeError('the cold copy does not match its content hash; refusing to restore a corrupted copy');
  }
  const fields = Object.entries(doc.row).map(([name, value]) => {
    const type = doc.archive.columns[name] ?? '';
    const json = value === null ? 'null' : type === 'json' || type === 'jsonb' ? value : JSON.stringify(value);
    return `${JSON.stringify(name)}:${json}`;
  });
  return `{${fields.join(',')}}`;
}
