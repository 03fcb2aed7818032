// Debezium change events of public.tickets (JsonConverter, schemas disabled), parsed with zod into plain data.
// Pure: no I/O, so every shape the connector can emit is covered by fast unit tests.
import { z } from 'zod';
import { MalformedEventError } from './errors.ts';

// Ticket ids are bigint in PostgreSQL. JSON.parse in Node 20 cannot keep integers above 2^53 exact, so such an
// id is refused as malformed (dead-lettered) rather than rounded to another ticket's id.
const ticketId = z.number().int().positive().refine(Number.isSafeInteger, 'ticket id is beyond 2^53 and cannot be handled exactly');

// Debezium writes timestamptz as an ISO-8601 UTC string with up to microsecond precision (ZonedTimestamp).
const zonedTimestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/, 'expected an ISO-8601 UTC timestamp');

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
  version: z.number().int().nonnegative(),
  customer_id: z.number().int().optional(),
  subject: z.string().nullable().optional(),
  body: z.string().nullable().optional(),
  created_at: zonedTimestamp.optional(),
  last_operator_id: z.number().int().nullable().optional(),
  last_operator_group_id: z.number().int().nullable().optional(),
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
  txId: z.number().int().nullable().optional(),
  lsn: z.number().int().nullable().optional(),
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

export type TicketRow = z.infer<typeof ticketRowSchema>;
export type SourceInfo = z.infer<typeof sourceSchema>;

/** What the archiver needs to know about one message of the tickets topic. */
export type TicketEvent =
  | { kind: 'upsert'; op: 'c' | 'u' | 'r'; id: number; row: TicketRow; source: SourceInfo; snapshot: boolean }
  // With REPLICA IDENTITY DEFAULT only the key of a deleted row is known: Debezium fills the other `before`
  // columns with placeholders (0, '', 1970-01-01, the column default), so nothing else is read from it.
  | { kind: 'delete'; id: number; source: SourceInfo }
  | { kind: 'tombstone'; id: number }
  | { kind: 'truncate'; source: SourceInfo };

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

function parseJson(what: string, buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new MalformedEventError(`${what} is not JSON: ${(err as Error).message}`);
  }
}

function parseKey(key: Buffer | null): number | undefined {
  if (key === null || key.length === 0) return undefined;
  const parsed = keySchema.safeParse(parseJson('message key', key));
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
  const envelope = envelopeSchema.safeParse(parseJson('message value', value));
  if (!envelope.success) throw new MalformedEventError(`not a Debezium change event: ${describe(envelope.error)}`);
  const { op, before, after, source } = envelope.data;
  if (op === 't') return { kind: 'truncate', source };
  if (op === 'm') throw new MalformedEventError('logical decoding message on the tickets topic');
  if (op === 'd') {
    const id = z.object({ id: ticketId }).safeParse(before);
    if (!id.success) throw new MalformedEventError(`delete event without before.id: ${describe(id.error)}`);
    if (keyId !== undefined && keyId !== id.data.id) throw new MalformedEventError(`key id ${keyId} differs from before.id ${id.data.id}`);
    return { kind: 'delete', id: id.data.id, source };
  }
  const row = ticketRowSchema.safeParse(after);
  if (!row.success) throw new MalformedEventError(`${op} event with an invalid after row: ${describe(row.error)}`);
  if (keyId !== undefined && keyId !== row.data.id) throw new MalformedEventError(`key id ${keyId} differs from after.id ${row.data.id}`);
  const snapshot = op === 'r' || (source.snapshot !== undefined && source.snapshot !== 'false');
  return { kind: 'upsert', op, id: row.data.id, row: row.data, source, snapshot };
}
