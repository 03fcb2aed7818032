// Timestamps as our two sources write them, to epoch milliseconds (rounded down). PostgreSQL's timestamptz reaches
// from 4713 BC to 294276 AD and has 'infinity' and '-infinity'; a JavaScript Date (and so a typed field of the cold
// document) covers +-275,760 years. What lies beyond, and the infinities, becomes +-Infinity, so comparisons keep
// PostgreSQL's order and no such row stops a move.

/** The latest instant a Date holds (+275760-09-13). */
export const LATEST_DATE_MS = 8.64e15;

const ISO = /^([+-]?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;
const PG = /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?\+00( BC)?$/;

function utcMs(year: number, parts: Array<string | undefined>): number {
  const [month, day, hours, minutes, seconds, fraction] = parts;
  const d = new Date(0);
  d.setUTCFullYear(year, Number(month) - 1, Number(day));
  d.setUTCHours(Number(hours), Number(minutes), Number(seconds), Number((fraction ?? '0').padEnd(3, '0').slice(0, 3)));
  const ms = d.getTime();
  return Number.isNaN(ms) ? (year > 0 ? Infinity : -Infinity) : ms;
}

/** Debezium's ZonedTimestamp (ISO-8601 in UTC, signed years beyond 9999 and before year 1, 'infinity',
 * '-infinity'); NaN when the text is none of these. */
export function isoTimestampMs(text: string): number {
  if (text === 'infinity') return Infinity;
  if (text === '-infinity') return -Infinity;
  const m = ISO.exec(text);
  return m ? utcMs(Number(m[1]), m.slice(2)) : Number.NaN;
}

/** PostgreSQL's text output of timestamptz with TimeZone UTC and DateStyle ISO ("2026-11-21 19:34:43.479004+00",
 * "0044-03-15 00:00:00+00 BC", "infinity"); NaN when the text is none of these. */
export function pgTimestampMs(text: string): number {
  if (text === 'infinity') return Infinity;
  if (text === '-infinity') return -Infinity;
  const m = PG.exec(text);
  if (!m) return Number.NaN;
  const year = Number(m[1]);
  return utcMs(m[8] ? 1 - year : year, m.slice(2, 8));
}

/** A Date for milliseconds a Date can hold, else null (+-Infinity, NaN). */
export function dateOrNull(ms: number): Date | null {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Either of the two forms above (a backfill's slice bounds hold both); NaN when the text is neither. */
export function timestampMs(text: string): number {
  const pg = pgTimestampMs(text);
  return Number.isNaN(pg) ? isoTimestampMs(text) : pg;
}
