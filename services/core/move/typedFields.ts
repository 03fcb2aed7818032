// The typed fields beside a cold document's exact row: the columns the cold tier is queried by (the spec's lists and
// the activity column), typed so the cold store can index and range over them. Whole numbers of up to 64 bits are
// bigints, timestamps Dates (a timestamp without time zone read in the spec's zone), anything else its text. A value
// a typed field cannot hold ('infinity', a year beyond a Date's range, a column whose type changed) is null and
// named, so that such a row is archived like any other, never stuck; the exact text stays in the row.
import { wallClockToUtcMs } from '../spec/localTime.ts';
import { dateOrNull, pgTimestampMs } from '../timestamps.ts';

export type TypedValue = bigint | Date | string | null;

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const WHOLE = new Set(['smallint', 'integer', 'bigint']);

/** PostgreSQL's text of a timestamp without time zone, read as UTC (the wall clock's fields). */
const wallClockMs = (text: string): number => pgTimestampMs(text.replace(/( BC)?$/, '+00$1'));

/** One column's typed value; undefined when its text does not fit its type's field. */
function typed(type: string, text: string, zone: string): TypedValue | undefined {
  if (WHOLE.has(type)) {
    if (!/^-?\d{1,19}$/.test(text)) return undefined;
    const n = BigInt(text);
    return n >= INT64.min && n <= INT64.max ? n : undefined;
  }
  if (type === 'timestamp with time zone') return dateOrNull(pgTimestampMs(text)) ?? undefined;
  if (type.startsWith('timestamp') && type.endsWith('without time zone')) {
    return dateOrNull(wallClockToUtcMs(wallClockMs(text), zone)) ?? undefined;
  }
  return text;
}

/** The typed fields of `names` (columns absent from the row are left out), and the names that could not be typed. */
export function typedFields(
  row: Readonly<Record<string, string | null>>,
  columns: Record<string, string>,
  names: string[],
  zone: string,
): { fields: Record<string, TypedValue>; untyped: string[] } {
  const fields: Record<string, TypedValue> = {};
  const untyped: string[] = [];
  for (const name of new Set(names)) {
    if (!Object.hasOwn(row, name)) continue;
    const text = row[name];
    if (text === null || text === undefined) {
      fields[name] = null;
      continue;
    }
    const value = typed((columns[name] ?? 'text').replace(/\(\d+\)/, ''), text, zone);
    if (value === undefined) untyped.push(name);
    fields[name] = value ?? null;
  }
  return { fields, untyped };
}
