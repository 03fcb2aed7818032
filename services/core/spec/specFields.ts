// The pieces of the archive spec that the root table and its parts share: a column, a schema-qualified table, a key
// and how a row's version is known. Each error names what was expected.
import { z } from 'zod';
import { parseQualifiedName } from './identifiers.ts';

export const KEY_TYPES = ['integer', 'bigint', 'numeric', 'uuid', 'text'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** The types a spec's key type accepts (format_type's names). */
export const KEY_TYPE_NAMES: Record<KeyType, RegExp> = {
  integer: /^integer$/,
  bigint: /^bigint$/,
  numeric: /^numeric(\(\d+(,\d+)?\))?$/,
  uuid: /^uuid$/,
  text: /^(text|character varying(\(\d+\))?)$/,
};

export const column = z
  .string({ error: 'expected a column name' })
  .min(1, 'expected a column name')
  .max(63, 'a PostgreSQL identifier has at most 63 bytes')
  .meta({ description: 'a column name as the catalog holds it (case-sensitive)' });

export const tableName = z
  .string({ error: 'expected a schema-qualified table name, e.g. public.tickets' })
  .transform((text, ctx) => {
    const name = parseQualifiedName(text.trim());
    if (!name) {
      ctx.addIssue({
        code: 'custom',
        message: `expected schema.table (parts quoted with "" where needed), got "${text}"`,
      });
      return z.NEVER;
    }
    return name;
  });

export const ticketKey = z.strictObject({
  column,
  type: z.enum(KEY_TYPES, { error: `expected one of ${KEY_TYPES.join(', ')}` }),
});

export const rowVersion = z
  .union([z.literal('xmin'), z.strictObject({ column })], {
    error: 'expected xmin, or { column: <a column every update raises> }',
  })
  .default('xmin');

/** One SQL condition, no statement separator. */
export const sqlCondition = (expected: string) =>
  z
    .string({ error: `expected SQL: ${expected}` })
    .trim()
    .min(1, `expected SQL: ${expected}`)
    .refine((sql) => !sql.includes(';'), 'one condition, without ";"');
