// Values as the API takes them in a path or a query, as exactly as the table's column types take them: whole numbers
// as decimal text, no leading zeros, within the type's range (the range is in the pattern itself, so a schema-valid
// value is always one the table can hold: a pattern of 19 digits would promise ids PostgreSQL then refuses); uuids,
// decimals and text by their own patterns. Patterns use the syntax JSON Schema, JavaScript and Python share: [0-9],
// never \d, which Python's generators take to include other scripts' digits.

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

/** Whole numbers of `bits` bits, two's complement, as decimal text. */
export function wholeNumberPattern(bits: 16 | 32 | 64): string {
  const max = (2n ** BigInt(bits - 1) - 1n).toString();
  const minMagnitude = (2n ** BigInt(bits - 1)).toString();
  return `^(0|${oneTo(max).join('|')}|-(${oneTo(minMagnitude).join('|')}))$`;
}

export const BIGINT_PATTERN = wholeNumberPattern(64);
export const bigintText = new RegExp(BIGINT_PATTERN);

const WHOLE: Record<string, 16 | 32 | 64> = { smallint: 16, integer: 32, bigint: 64 };

/** The pattern of a column's values by its type (format_type), and what it is, for a parameter's schema. */
export function valuePattern(type: string): { pattern: string; what: string } {
  const base = type.replace(/\(.*\)$/, '');
  const bits = WHOLE[base];
  if (bits) return { pattern: wholeNumberPattern(bits), what: `a ${base} as decimal text without leading zeros` };
  if (base === 'uuid')
    return { pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', what: 'a uuid' };
  if (base === 'numeric') return { pattern: '^-?[0-9]{1,100}(\\.[0-9]{1,100})?$', what: 'a decimal number' };
  return { pattern: '^[^\\x00]+$', what: 'text' };
}
