// The archive spec: what is archived and when, for the table a help desk already has. One file (YAML or JSON) names
// the root table and its key, the column whose time ages a ticket, the condition under which time makes it cold, how
// a row's version is known, and the fields by which cold tickets are listed. Validated here; every error names the
// field. COLD_AFTER (the age) stays a setting. `parts` names the ticket's rows in other tables (partSpec.ts). The default spec (connectors/specs/default.yaml) is the brief's table.
import { z } from 'zod';
import { partSpecSchema, uniqueNames } from './partSpec.ts';
import { column, rowVersion, sqlCondition, tableName, ticketKey } from './specFields.ts';

export { KEY_TYPES, type KeyType } from './specFields.ts';
export type { PartSpec } from './partSpec.ts';

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const archiveSpecSchema = z.strictObject({
  table: tableName,
  key: ticketKey,
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
    when: sqlCondition('a condition over the row as t').meta({
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
  version: rowVersion,
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
  parts: z.array(partSpecSchema).default([]).refine(uniqueNames, 'part names must differ').meta({
    description:
      "the ticket's rows in other tables (articles, history, attachments), archived, deleted and restored with it",
  }),
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
