// The read API's requests and responses, written once as zod schemas: Fastify validates with them, and the OpenAPI
// document (and from it the typed client) is generated from them. The key and each list's value are typed by the
// archived table's own column types, so a schema-valid value is always one the table can hold.
import { z } from 'zod';
import { valuePattern } from './bigintText.ts';

/** The most tickets one page may hold. */
export const MAX_PAGE = 500;

/** The archived table as the API shows it: the key's column type, and each list's column and its type. */
export interface ReadTable {
  keyType: string;
  lists: Array<{ name: string; column: string; type: string; orderBy: string }>;
}

/** The API's view of a spec's table, from the column types the database reports (a column it does not know is text). */
export function readTableOf(
  spec: { key: { column: string }; lists: Array<{ name: string; column: string; orderBy: string }> },
  columns: Record<string, string>,
): ReadTable {
  return {
    keyType: columns[spec.key.column] ?? 'text',
    lists: spec.lists.map((l) => ({ ...l, type: columns[l.column] ?? 'text' })),
  };
}

/** A path parameter holding a value of a column of type `type`. */
export function valueParam(type: string, description: string, example: string) {
  const { pattern, what } = valuePattern(type);
  return z
    .string()
    .regex(new RegExp(pattern), `expected ${what}`)
    .meta({ description: `${description} (${what})`, example });
}

export const tierSchema = z
  .enum(['hot', 'cold'])
  .default('hot')
  .meta({ description: 'hot (default): the archived table; cold: the archive. One tier per request.' });

export const ticketSchema = z
  .object({})
  // Every column: its type decides the JSON value (core/read/ticketJson.ts).
  .catchall(z.unknown().meta({ description: 'a column of the row, as JSON' }))
  .meta({
    id: 'Ticket',
    description:
      'every column of the row, columns added later included: bigints and numerics as exact decimal text, timestamps as ISO 8601 with microseconds, json as JSON',
  });

/** A ticket as the API shows it: every column of its row. */
export type ApiTicket = z.output<typeof ticketSchema>;

export const ticketResponseSchema = z
  .object({
    tier: z.enum(['hot', 'cold']),
    ticket: ticketSchema,
    parts: z.record(z.string(), z.array(ticketSchema)).optional().meta({
      description:
        "an archived ticket's parts (the spec's parts: articles, history, attachments), each part's rows with every column as JSON, by the part's path",
    }),
  })
  .meta({ id: 'TicketResponse' });

export const pageResponseSchema = z
  .object({
    tier: z.enum(['hot', 'cold']),
    tickets: z.array(ticketSchema),
    nextCursor: z.string().nullable().meta({ description: 'pass as cursor for the next page; null at the end' }),
  })
  .meta({ id: 'TicketPage' });

export const idParams = (t: ReadTable) => z.object({ id: valueParam(t.keyType, "a ticket's key", '125248') });
export const tierQuery = z.object({ tier: tierSchema });

const page = {
  tier: tierSchema,
  limit: z.coerce
    .number()
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .max(MAX_PAGE, `expected at most ${MAX_PAGE}`)
    .default(50),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,1024}$/, 'expected a cursor this API gave out')
    .optional()
    .meta({ description: "the previous page's nextCursor, as given" }),
};
export const pageQuery = z.object(page);

/** A bound of a time range: ISO 8601 with an offset, handed to the stores in UTC, for PostgreSQL refuses offsets that
 * ISO allows (beyond ±15:59). An offset of whole minutes leaves the seconds and their fraction as written. */
const rangeBound = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 timestamp' }).transform((text, ctx) => {
  const at = new Date(text);
  const year = at.getUTCFullYear();
  if (year < 1 || year > 9999) {
    ctx.addIssue({ code: 'custom', message: 'expected a time within the years 1 to 9999 (UTC)' });
    return z.NEVER;
  }
  const fraction = /T\d\d:\d\d:\d\d\.(\d+)/.exec(text)?.[1];
  return `${at.toISOString().slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
});
export const closedPageQuery = z.object({
  ...page,
  from: rangeBound.meta({ description: 'ISO 8601 with an offset, within the years 1 to 9999 in UTC' }),
  to: rangeBound.optional().meta({ description: 'default: now; a range that ends before it starts holds no ticket' }),
});

// At most six significant digits: the longest hold (999999d) still ends within any store's range of timestamps.
// Strict: a member the API does not take is refused, as is one JSON's parser refuses outright (__proto__).
export const restoreBody = z.strictObject({
  holdFor: z
    .string()
    .regex(/^0*[1-9][0-9]{0,5}(ms|s|m|h|d)$/, 'expected a duration such as 30m, 2h or 1d')
    .default('1h')
    .meta({ description: 'how long the restored ticket stays hot before it may be archived again' }),
});
export const restoreResponseSchema = z
  .object({ id: z.string(), version: z.string(), holdUntil: z.string() })
  .meta({ id: 'Restored' });
