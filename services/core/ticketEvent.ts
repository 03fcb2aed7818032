// Debezium change events of public.tickets (JsonConverter, schemas disabled), parsed with zod into plain data.
// Pure: no I/O, so every shape the connector can emit is covered by fast unit tests.
import { isInteger, isSafeNumber, parse as parseLossless } from 'lossless-json';
import { z } from 'zod';
import { MalformedEventError } from './errors.ts';
import { isoTimestampMs } from './timestamps.ts';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

// A bigint column in any part of PostgreSQL's range (snowflake ids reach 2^63 - 1): JSON.parse would round integers
// beyond 2^53 to a neighbour, so they arrive as bigint (see parseJson) and leave as exact decimal text.
const bigintColumn = z
  .union([
    z
      .number()
      .refine(Number.isSafeInteger, 'expected a whole number (one beyond 2^53 was rounded: written as a float?)'),
    z.bigint().min(INT64_MIN).max(INT64_MAX),
  ])
  .transform((n) => n.toString());
const ticketId = bigintColumn.refine((id) => !id.startsWith('-') && id !== '0', 'a ticket id is positive');

// Debezium writes timestamptz as an ISO-8601 UTC string with up to microsecond precision (ZonedTimestamp), signed
// years outside 1..9999, and PostgreSQL's 'infinity' and '-infinity' as they are.
const zonedTimestamp = z
  .string()
  .refine((t) => !Number.isNaN(isoTimestampMs(t)), 'expected an ISO-8601 UTC timestamp or +-infinity');

const ticketStatusSchema = z.enum(['unassigned', 'in_progress', 'closed']);

/**
 * The row as Debezium sends it in `after`. The connector captures only what the cold rule and the version check
 * read (connectors/tickets-postgres.json, `column.include.list`); the other columns are checked when a connector
 * configured otherwise sends them, and unknown ones (added later with ALTER TABLE) pass through.
 */
export const ticketRowSchema = z.looseObject({
  id: ticketId,
  status: ticketStatusSchema,
  last_operated_at: zonedTimestamp,
  version: bigintColumn.refine((v) => !v.startsWith('-'), 'a version is not negative'),
  customer_id: bigintColumn.optional(),
  subject: z.string().nullable().optional(),
  body: z.string().nullable().optional(),
  created_at: zonedTimestamp.optional(),
  last_operator_id: bigintColumn.nullable().optional(),
  last_operator_group_id: bigintColumn.nullable().optional(),
});

export const sourceSchema = z.looseObject({
  version: z.string(),
  connector: z.literal('postgresql'),
  name: z.string(),
  ts_ms: z.number().int(),
  ts_us: z.number().int().optional(),
  snapshot: z.string().optional(),
  db: z.string(),
  schema: z.string(),
  table: z.string(),
  txId: bigintColumn.nullable().optional(),
  lsn: bigintColumn.nullable().optional(),
  sequence: z.string().nullable().optional(),
});

export const envelopeSchema = z.looseObject({
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  source: sourceSchema,
  // c create, u update, d delete, r snapshot read, t truncate, m logical decoding message
  op: z.enum(['c', 'u', 'd', 'r', 't', 'm']),
  ts_ms: z.number().int(),
});

export const keySchema = z.object({ id: ticketId });

export type TicketRow = z.output<typeof ticketRowSchema>;
export type SourceInfo = z.output<typeof sourceSchema>;

/** What the archiver needs to know about one message of the tickets topic. */
export type TicketEvent =
  | { kind: 'upsert'; op: 'c' | 'u' | 'r'; id: string; row: TicketRow; source: SourceInfo; snapshot: boolean }
  // With REPLICA IDENTITY DEFAULT only the key of a deleted row is known: Debezium fills the other `before`
  // columns with placeholders (0, '', 1970-01-01, the column default), so nothing else is read from it.
  | { kind: 'delete'; id: string; source: SourceInfo }
  | { kind: 'tombstone'; id: string }
  | { kind: 'truncate'; source: SourceInfo };

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

// JSON.parse rounds integers beyond 2^53. Only when a field we read holds such an integer (a rare id; Debezium's ts_ns
// in every event, at the top and in source, is not read) is the message parsed again with the slower lossless parser, keeping them as bigint.
const exactNumber = (text: string): number | bigint =>
  isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
const rounded = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v);
const fieldsRead = (o: unknown): unknown[] => (o !== null && typeof o === 'object' ? Object.values(o) : []);

/** The envelope's fields we read: the row's columns, the LSN and the transaction id (a key: its id, all it holds). */
function envelopeFields(parsed: unknown): unknown[] {
  if (parsed === null || typeof parsed !== 'object') return [];
  const { before, after, source } = parsed as Record<string, unknown>;
  const fromSource =
    source !== null && typeof source === 'object'
      ? [(source as Record<string, unknown>).lsn, (source as Record<string, unknown>).txId]
      : [];
  return [...fieldsRead(before), ...fieldsRead(after), ...fromSource];
}

function parseJson(what: string, buf: Buffer, read: (parsed: unknown) => unknown[]): unknown {
  const text = buf.toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    return read(parsed).some(rounded) ? parseLossless(text, null, exactNumber) : parsed;
  } catch (err) {
    throw new MalformedEventError(`${what} is not JSON: ${(err as Error).message}`);
  }
}

function parseKey(key: Buffer | null): string | undefined {
  if (key === null || key.length === 0) return undefined;
  const parsed = keySchema.safeParse(parseJson('message key', key, fieldsRead));
  if (!parsed.success) throw new MalformedEventError(`message key: ${describe(parsed.error)}`);
  return parsed.data.id;
}

/** Parses one Kafka message of the tickets topic. Throws MalformedEventError naming what is wrong. */
export function parseTicketEvent(key: Buffer | null, value: Buffer | null): TicketEvent {
  const keyId = parseKey(key);
  if (value === null || value.length === 0) {
    if (keyId === undefined) throw new MalformedEventError('tombstone without a ticket id key');
    return { kind: 'tombstone', id: keyId };
  }
  const envelope = envelopeSchema.safeParse(parseJson('message value', value, envelopeFields));
  if (!envelope.success) throw new MalformedEventError(`not a Debezium change event: ${describe(envelope.error)}`);
  const { op, before, after, source } = envelope.data;
  if (op === 't') return { kind: 'truncate', source };
  if (op === 'm') throw new MalformedEventError('logical decoding message on the tickets topic');
  if (op === 'd') {
    const id = z.object({ id: ticketId }).safeParse(before);
    if (!id.success) throw new MalformedEventError(`delete event without before.id: ${describe(id.error)}`);
    if (keyId !== undefined && keyId !== id.data.id)
      throw new MalformedEventError(`key id ${keyId} differs from before.id ${id.data.id}`);
    return { kind: 'delete', id: id.data.id, source };
  }
  const row = ticketRowSchema.safeParse(after);
  if (!row.success) throw new MalformedEventError(`${op} event with an invalid after row: ${describe(row.error)}`);
  if (keyId !== undefined && keyId !== row.data.id)
    throw new MalformedEventError(`key id ${keyId} differs from after.id ${row.data.id}`);
  const snapshot = op === 'r' || (source.snapshot !== undefined && source.snapshot !== 'false');
  return { kind: 'upsert', op, id: row.data.id, row: row.data, source, snapshot };
}
