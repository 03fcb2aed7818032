// The read API's requests and responses, written once as zod schemas: Fastify validates with them, and the OpenAPI
// document (and from it the typed client) is generated from them.
import { z } from 'zod';
import { bigintText } from './bigintText.ts';

/** The most tickets one page may hold. */
export const MAX_PAGE = 500;

/** A bigint in a path: the id of a ticket, an operator, a group or a customer. */
const bigintParam = (description: string, example: string) =>
  z
    .string()
    .regex(bigintText, 'expected a bigint (-2^63 to 2^63-1) as decimal text without leading zeros')
    .meta({ description: `${description} (bigint, as decimal text)`, example });

export const ticketIdSchema = bigintParam('a ticket id', '125248');
export const tierSchema = z
  .enum(['hot', 'cold'])
  .default('hot')
  .meta({ description: 'hot (default): the tickets table; cold: the archive. One tier per request.' });
const statusSchema = z.enum(['unassigned', 'in_progress', 'closed']);

export const ticketSchema = z
  .object({
    id: z.string(),
    version: z.string(),
    customer_id: z.string().nullable(),
    status: z.string().nullable(),
    subject: z.string().nullable().optional(),
    body: z.string().nullable().optional(),
    created_at: z.string().nullable(),
    last_operated_at: z.string().nullable(),
    last_operator_id: z.string().nullable(),
    last_operator_group_id: z.string().nullable(),
  })
  // A column added later: any JSON value (its type decides which, as for the columns above).
  .catchall(z.unknown().meta({ description: 'a column added to the table later, as JSON' }))
  .meta({
    id: 'Ticket',
    description:
      'every column of the row, columns added later included: bigints and numerics as exact decimal text, timestamps as ISO 8601 with microseconds, json as JSON',
  });

/** A ticket as the API shows it: every row of public.tickets has the brief's columns, whatever was added later. */
export type ApiTicket = z.output<typeof ticketSchema>;

export const ticketResponseSchema = z
  .object({ tier: z.enum(['hot', 'cold']), ticket: ticketSchema })
  .meta({ id: 'TicketResponse' });

export const pageResponseSchema = z
  .object({
    tier: z.enum(['hot', 'cold']),
    tickets: z.array(ticketSchema),
    nextCursor: z.string().nullable().meta({ description: 'pass as cursor for the next page; null at the end' }),
  })
  .meta({ id: 'TicketPage' });

export const idParams = z.object({ id: ticketIdSchema });
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
/** Unassigned tickets are hot by definition (the archive holds closed ones only): tier=cold is refused by the schema. */
export const unassignedPageQuery = z.object({
  ...page,
  tier: z
    .enum(['hot'], { error: 'the archive holds closed tickets only: there are no unassigned ones' })
    .default('hot')
    .meta({ description: 'hot only: the archive holds closed tickets, none unassigned' }),
});
export const statusPageQuery = z.object({
  ...page,
  status: statusSchema.optional().meta({
    description:
      'default: in_progress for hot, closed for cold (the archive holds closed tickets only, none of another status)',
  }),
});
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
export const operatorParams = z.object({ operatorId: bigintParam('an operator id', '7') });
export const groupParams = z.object({ groupId: bigintParam('an operator group id', '3') });
export const customerParams = z.object({ customerId: bigintParam('a customer id', '4242') });

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
