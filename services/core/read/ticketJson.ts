// A ticket as the read API shows it, the same from either tier: every column of the row (columns added later
// included), from PostgreSQL's exact text output and the column's type. Bigints and numerics stay exact decimal text,
// timestamps are ISO 8601 with all six digits of microseconds, json and jsonb are JSON, booleans and the small
// integer and float types are JSON numbers and booleans; any other type is PostgreSQL's own text (arrays, dates,
// intervals, bytea as \x hex). The hot row and its cold copy hold the same text and types, so they read the same.
import type { RowText } from '../move/coldDocument.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type TicketFields = Record<string, JsonValue>;

/** PostgreSQL's ISO output in UTC ("2026-11-21 19:34:43.4790+00") as ISO 8601 with microseconds
 * ("2026-11-21T19:34:43.479000Z"); infinity, BC dates and other forms stay PostgreSQL's text. */
export function isoTimestamp(text: string, withZone: boolean): string {
  const m = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(\+00)?$/.exec(text);
  if (!m || (withZone && !m[4]) || (!withZone && m[4])) return text;
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(6, '0')}${withZone ? 'Z' : ''}`;
}

/** One column's value: `type` is format_type's name ("bigint", "numeric(12,2)", "timestamp with time zone", ...). */
export function columnValue(type: string, text: string | null): JsonValue {
  if (text === null) return null;
  switch (type.replace(/\(.*\)$/, '')) {
    case 'smallint':
    case 'integer':
      return Number(text);
    case 'real':
    case 'double precision': {
      const n = Number(text);
      // NaN and the infinities have no JSON number: their text stays.
      return Number.isFinite(n) ? n : text;
    }
    case 'boolean':
      return text === 't' || text === 'true';
    case 'json':
    case 'jsonb':
      return JSON.parse(text) as JsonValue;
    case 'timestamp with time zone':
      return isoTimestamp(text, true);
    case 'timestamp without time zone':
      return isoTimestamp(text, false);
    default:
      return text;
  }
}

/** Every column of a row, in the row's order; a column whose type is unknown keeps its text. */
export function ticketFields(row: RowText, columns: Record<string, string>): TicketFields {
  return Object.fromEntries(
    Object.entries(row).map(([name, text]) => [name, columnValue(columns[name] ?? 'text', text)]),
  );
}
