// A row as a move carries it: column name -> PostgreSQL's text output, or null; and its hash.
import { createHash } from 'node:crypto';

/** A hot row as text: column name -> PostgreSQL text output, or null. */
export type RowText = Record<string, string | null>;

/** sha256 over the columns in name order; the same for the hot row and its cold copy. */
export function rowHash(row: RowText): string {
  // name, \0N (null) or \0V<value>, \1 per column: joined and hashed in one call (the same digest as one update per
  // piece, for a fraction of the calls into the hash).
  const parts: string[] = [];
  for (const name of Object.keys(row).sort()) {
    const value = row[name];
    parts.push(name, value === null || value === undefined ? '\u0000N' : `\u0000V${value}`, '\u0001');
  }
  return createHash('sha256').update(parts.join('')).digest('hex');
}
