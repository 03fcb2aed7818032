// Debezium change events of the spec's table (JsonConverter, schemas disabled), parsed with zod into plain data: the
// ticket's key, when it was last operated on, whether it can turn cold at all, and its version where the spec names a
// version column. Pure: no I/O, so every shape the connector can emit is covered by fast unit tests.
import { isInteger, isSafeNumber, parse as parseLossless } from 'lossless-json';
import { z } from 'zod';
import { MalformedEventError } from './errors.ts';
import type { EventShape } from './spec/eventShape.ts';
import { wallClockToUtcMs } from './spec/localTime.ts';
import { integralKey, parseTicketKey } from './spec/ticketKeys.ts';
import { isoTimestampMs } from './timestamps.ts';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

// A bigint column in any part of PostgreSQL's range: JSON.parse would round integers beyond 2^53 to a neighbour, so
// they arrive as bigint (see parseJson) and leave as exact decimal text.
const wholeNumber = z
  .union([
    z
      .number()
      .refine(Number.isSafeInteger, 'expected a whole number (one beyond 2^53 was rounded: written as a float?)'),
    z.bigint().min(INT64_MIN).max(INT64_MAX),
  ])
  .transform((n) => n.toString());

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
  txId: wholeNumber.nullable().optional(),
  lsn: wholeNumber.nullable().optional(),
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

export type SourceInfo = z.output<typeof sourceSchema>;

/** What an insert or update says about a ticket. */
export interface TicketChange {
  /** Its last operation, epoch milliseconds (+-Infinity for PostgreSQL's infinities). */
  activityMs: number;
  /** Whether its row is in the state in which time can make it cold (the spec's row filter; true without one). */
  mayTurnCold: boolean;
  /** Its version, where the spec names a version column. */
  version?: string;
}

/** What the archiver needs to know about one message of the tickets topic. */
export type TicketEvent =
  | { kind: 'upsert'; op: 'c' | 'u' | 'r'; id: string; change: TicketChange; source: SourceInfo; snapshot: boolean }
  // With REPLICA IDENTITY DEFAULT only the key of a deleted row is known: Debezium fills the other `before`
  // columns with placeholders, so nothing else is read from it.
  | { kind: 'delete'; id: string; source: SourceInfo }
  | { kind: 'tombstone'; id: string }
  | { kind: 'truncate'; source: SourceInfo };

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** The key's value as the connector sends it, to the key's canonical text. */
function keyValue(shape: EventShape) {
  const { type } = shape.key;
  const raw = integralKey(type) ? wholeNumber : z.string();
  return raw.transform((text, ctx) => {
    const parsed = parseTicketKey(type, text);
    if ('key' in parsed) return parsed.key;
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  });
}

/** The activity column: Debezium's ZonedTimestamp text, or Kafka Connect's Timestamp (wall-clock milliseconds). */
function activityValue(shape: EventShape) {
  if (shape.activity.type === 'timestamptz') {
    return z
      .string()
      .refine((t) => !Number.isNaN(isoTimestampMs(t)), 'expected an ISO-8601 UTC timestamp or +-infinity')
      .transform(isoTimestampMs);
  }
  const zone = shape.activity.timeZone;
  return wholeNumber.transform((ms) => wallClockToUtcMs(Number(ms), zone));
}

const rowSchemas = new WeakMap<EventShape, z.ZodType<{ id: string; change: TicketChange }>>();

/** The row as Debezium sends it in `after`: the captured columns; others (a connector configured otherwise) pass. */
function rowSchema(shape: EventShape): z.ZodType<{ id: string; change: TicketChange }> {
  let schema = rowSchemas.get(shape);
  if (schema) return schema;
  const fields: Record<string, z.ZodType> = {
    [shape.key.column]: keyValue(shape),
    [shape.activity.column]: activityValue(shape),
  };
  if (shape.rowFilter)
    fields[shape.rowFilter.column] = z.union([z.string(), z.number(), z.boolean(), z.bigint()]).nullable();
  if (shape.versionColumn) fields[shape.versionColumn] = z.union([wholeNumber, z.string()]);
  schema = z.looseObject(fields).transform((row) => {
    const filter = shape.rowFilter;
    const filtered = filter ? (row[filter.column] as string | number | boolean | bigint | null | undefined) : undefined;
    const version = shape.versionColumn ? (row[shape.versionColumn] as string) : undefined;
    return {
      id: row[shape.key.column] as string,
      change: {
        activityMs: row[shape.activity.column] as number,
        mayTurnCold: !filter || (filtered !== null && filtered !== undefined && filter.values.has(String(filtered))),
        ...(version === undefined ? {} : { version }),
      },
    };
  });
  rowSchemas.set(shape, schema);
  return schema;
}

// JSON.parse rounds integers beyond 2^53. Only when a field we read holds such an integer (a rare id; Debezium's ts_ns
// in every event, at the top and in source, is not read) is the message parsed again with the slower lossless parser,
// keeping them as bigint.
const exactNumber = (text: string): number | bigint =>
  isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
const rounded = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v);
const fieldsRead = (o: unknown): unknown[] => (o !== null && typeof o === 'object' ? Object.values(o) : []);

/** The envelope's fields we read: the row's columns, the LSN and the transaction id (a key: its id, all it holds). */
function envelopeFields(parsed: unknown): unknown[] {
  if (parsed === null || typeof parsed !== 'object') return [];
  const { before, after, source } = parsed as Record<string, unknown>;
  const s = source !== null && typeof source === 'object' ? (source as Record<string, unknown>) : undefined;
  return [...fieldsRead(before), ...fieldsRead(after), ...(s ? [s.lsn, s.txId] : [])];
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

function parseKey(key: Buffer | null, shape: EventShape): string | undefined {
  if (key === null || key.length === 0) return undefined;
  const parsed = z.object({ [shape.key.column]: keyValue(shape) }).safeParse(parseJson('message key', key, fieldsRead));
  if (!parsed.success) throw new MalformedEventError(`message key: ${describe(parsed.error)}`);
  return parsed.data[shape.key.column];
}

/** Parses one Kafka message of the tickets topic. Throws MalformedEventError naming what is wrong. */
export function parseTicketEvent(key: Buffer | null, value: Buffer | null, shape: EventShape): TicketEvent {
  const keyId = parseKey(key, shape);
  if (value === null || value.length === 0) {
    if (keyId === undefined) throw new MalformedEventError('tombstone without a ticket key');
    return { kind: 'tombstone', id: keyId };
  }
  const envelope = envelopeSchema.safeParse(parseJson('message value', value, envelopeFields));
  if (!envelope.success) throw new MalformedEventError(`not a Debezium change event: ${describe(envelope.error)}`);
  const { op, before, after, source } = envelope.data;
  if (op === 't') return { kind: 'truncate', source };
  if (op === 'm') throw new MalformedEventError('logical decoding message on the tickets topic');
  const keyColumn = shape.key.column;
  if (op === 'd') {
    const id = z.object({ [keyColumn]: keyValue(shape) }).safeParse(before);
    if (!id.success) throw new MalformedEventError(`delete event without before.${keyColumn}: ${describe(id.error)}`);
    const deleted = id.data[keyColumn] as string;
    if (keyId !== undefined && keyId !== deleted)
      throw new MalformedEventError(`key ${keyId} differs from before ${deleted}`);
    return { kind: 'delete', id: deleted, source };
  }
  const row = rowSchema(shape).safeParse(after);
  if (!row.success) throw new MalformedEventError(`${op} event with an invalid after row: ${describe(row.error)}`);
  if (keyId !== undefined && keyId !== row.data.id)
    throw new MalformedEventError(`key ${keyId} differs from after ${row.data.id}`);
  const snapshot = op === 'r' || (source.snapshot !== undefined && source.snapshot !== 'false');
  return { kind: 'upsert', op, id: row.data.id, change: row.data.change, source, snapshot };
}
