// The archive spec: what is archived and when, for the table a help desk already has. One file (YAML or JSON) names
// the root table and its key, the column whose time ages a ticket, the condition under which time makes it cold, how
// a row's version is known, and the fields by which cold tickets are listed. Validated here; every error names the
// field. COLD_AFTER (the age) stays a setting. The default spec (connectors/specs/default.yaml) is the brief's table.
import { z } from 'zod';
import { parseQualifiedName } from './identifiers.ts';

const column = z
  .string({ error: 'expected a column name' })
  .min(1, 'expected a column name')
  .max(63, 'a PostgreSQL identifier has at most 63 bytes')
  .meta({ description: 'a column name as the catalog holds it (case-sensitive)' });

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const KEY_TYPES = ['integer', 'bigint', 'numeric', 'uuid', 'text'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export const archiveSpecSchema = z.strictObject({
  table: z.string({ error: 'expected a schema-qualified table name, e.g. public.tickets' }).transform((text, ctx) => {
    const name = parseQualifiedName(text.trim());
    if (!name) {
      ctx.addIssue({
        code: 'custom',
        message: `expected schema.table (parts quoted with "" where needed), got "${text}"`,
      });
      return z.NEVER;
    }
    return name;
  }),
  key: z.strictObject({
    column,
    type: z.enum(KEY_TYPES, { error: `expected one of ${KEY_TYPES.join(', ')}` }),
  }),
  activity: z
    .strictObject({
      column,
      type: z.enum(['timestamptz', 'timestamp'], {
        error: 'expected timestamptz, or timestamp (without time zone) with timeZone',
      }),
      timeZone: z
        .string()
        .refine(validTimeZone, 'expected an IANA time zone such as UTC or Europe/Berlin')
        .optional()
        .meta({ description: 'for timestamp without time zone: the zone its values are written in' }),
    })
    .refine((a) => a.type === 'timestamptz' || a.timeZone !== undefined, {
      path: ['timeZone'],
      error: 'required with type timestamp: the zone the values are written in (e.g. UTC)',
    })
    .refine((a) => a.type === 'timestamp' || a.timeZone === undefined, {
      path: ['timeZone'],
      error: 'only for type timestamp: a timestamptz names its instant itself',
    }),
  cold: z.strictObject({
    when: z
      .string({ error: 'expected SQL: a condition over the row as t' })
      .trim()
      .min(1, 'expected SQL: a condition over the row as t')
      .refine((sql) => !sql.includes(';'), 'one condition, without ";"')
      .meta({
        description: 'SQL over the row as t (lookup tables allowed); the state in which time makes a ticket cold',
      }),
    rowFilter: z
      .strictObject({
        column,
        in: z.array(z.union([z.string(), z.number()])).min(1, 'expected at least one value'),
      })
      .optional()
      .meta({
        description:
          'the same on the row alone (a column in a set of values): tickets outside it get no timer, and the index of candidates is partial on it',
      }),
  }),
  version: z
    .union([z.literal('xmin'), z.strictObject({ column })], {
      error: 'expected xmin, or { column: <a column every update raises> }',
    })
    .default('xmin'),
  lists: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'expected a name such as customer or operatorGroup'),
        column,
        orderBy: column,
      }),
    )
    .default([])
    .refine((lists) => new Set(lists.map((l) => l.name)).size === lists.length, 'list names must differ'),
  connector: z
    .strictObject({
      name: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'expected a Kafka Connect connector name')
        .optional()
        .meta({ description: "the connector's name in Kafka Connect (default: the shipped definition's)" }),
      slot: z
        .string()
        .regex(/^[a-z0-9_]{1,63}$/, 'expected a replication slot name: lower-case letters, digits and _')
        .optional()
        .meta({ description: "its replication slot, unique on the server (default: the shipped definition's)" }),
      database: z.string().min(1).max(63, 'a PostgreSQL database name has at most 63 bytes').optional().meta({
        description:
          "the database it reads (default: the shipped definition's, the Connect worker's CDC_DATABASE_NAME)",
      }),
      topicPrefix: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,100}$/, 'expected a topic prefix: letters, digits, ., _ and -')
        .optional()
        .meta({ description: "the prefix of its topics (default: the shipped definition's)" }),
    })
    .default({})
    .meta({
      description:
        'the Debezium connector of this table: a second archived table on the same server (another database) needs a name and a slot of its own',
    }),
});

export type ArchiveSpec = z.output<typeof archiveSpecSchema>;
export type ArchiveSpecInput = z.input<typeof archiveSpecSchema>;

/** Every issue of `parsed` as "field: message", for a ConfigError. */
export function specProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(spec)'}: ${i.message}`);
}
