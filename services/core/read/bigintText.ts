// A PostgreSQL bigint as the API takes it in a path or a query: decimal text, no leading zeros, within
// -2^63..2^63-1. The range is in the pattern itself, so a schema-valid id is always one the tables can hold (a
// pattern of 19 digits would promise ids that PostgreSQL then refuses).
const INT64_MAX = (2n ** 63n - 1n).toString();
const INT64_MIN_MAGNITUDE = (2n ** 63n).toString();

/** Alternatives that match the decimal text of each whole number from 1 to `max`, and nothing else. */
function oneTo(max: string): string[] {
  const n = max.length;
  // Fewer digits than max: any.
  const alternatives = n > 1 ? [`[1-9][0-9]{0,${n - 2}}`] : [];
  // As many digits: max's first i digits, then a smaller one, then any.
  for (let i = 0; i < n; i++) {
    const digit = Number(max[i]);
    const lowest = i === 0 ? 1 : 0;
    if (digit > lowest) {
      const rest = n - 1 - i;
      alternatives.push(`${max.slice(0, i)}[${lowest}-${digit - 1}]${rest > 0 ? `[0-9]{${rest}}` : ''}`);
    }
  }
  return [...alternatives, max];
}

/** The pattern (in the syntax JSON Schema and both JavaScript and Python share: [0-9], never \d, which Python's
 * generators take to include other scripts' digits). */
export const BIGINT_PATTERN = `^(0|${oneTo(INT64_MAX).join('|')}|-(${oneTo(INT64_MIN_MAGNITUDE).join('|')}))$`;
export const bigintText = new RegExp(BIGINT_PATTERN);
