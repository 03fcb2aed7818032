// A ticket's key as the product carries it: PostgreSQL's text of the key's value, whatever its type (integer, bigint,
// numeric, uuid, text). The database's own text is the canonical form; a key a person types is checked and brought
// to that form here (an integer without leading zeros, a uuid in lower case); a numeric key is taken as typed (its
// scale is part of its text). Change events carry the key as Kafka Connect's JsonConverter writes it, and the
// tickets topic's partition of a ticket is the murmur2 hash of those bytes (ticketPartition.ts).
import type { KeyType } from './archiveSpec.ts';

const RANGE: Partial<Record<KeyType, { min: bigint; max: bigint }>> = {
  integer: { min: -(2n ** 31n), max: 2n ** 31n - 1n },
  bigint: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
};

/** The key's canonical text, or a message saying what is expected. */
export function parseTicketKey(type: KeyType, text: string): { key: string } | { problem: string } {
  switch (type) {
    case 'integer':
    case 'bigint': {
      const range = RANGE[type] as { min: bigint; max: bigint };
      if (!/^-?\d{1,20}$/.test(text)) return { problem: `expected a whole number (the key is ${type})` };
      const n = BigInt(text);
      if (n < range.min || n > range.max) return { problem: `expected a ${type} (${range.min} to ${range.max})` };
      return { key: n.toString() };
    }
    case 'numeric':
      return /^-?\d+(\.\d+)?$/.test(text)
        ? { key: text }
        : { problem: 'expected a decimal number (the key is numeric)' };
    case 'uuid':
      return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(text)
        ? { key: text.toLowerCase() }
        : { problem: 'expected a uuid (the key is uuid)' };
    case 'text':
      return text.length > 0 && !text.includes('\u0000') ? { key: text } : { problem: 'expected a non-empty text key' };
  }
}

/** Whether the key's values are whole numbers (the cold store then holds them as int64). */
export const integralKey = (type: KeyType): boolean => type === 'integer' || type === 'bigint';

/** JSON as Jackson writes it: control characters escaped with upper-case hex, the rest as JSON.stringify does. */
function jacksonString(text: string): string {
  return JSON.stringify(text).replace(/\\u00([0-9a-f]{2})/g, (_, hex: string) => `\\u00${hex.toUpperCase()}`);
}

/** The message key of a ticket's change events: `{"<key column>":<value>}`, numbers bare, the rest as strings
 * (Debezium sends numeric as text: decimal.handling.mode=string). */
export function eventKeyBytes(key: { column: string; type: KeyType }, text: string): Buffer {
  const value = integralKey(key.type) ? text : jacksonString(text);
  return Buffer.from(`{${jacksonString(key.column)}:${value}}`);
}
