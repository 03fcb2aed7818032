// The read API's requests and responses, written once as zod schemas: Fastify validates with them, and the OpenAPI
// document (and from it the typed client) is generated from them.
import { z } from 'zod';
import { parseDuration } from '../duration.ts';

/** The most tickets one page may hold. */
export const MAX_PAGE = 500;
const INT64_MAX = 2n ** 63n - 1n;

export const ticketIdSchema = z
  .string()
  .regex(/^-?\d{1,19}$/, 'expected a whole number (a ticket id is a bigint)')
  .refine(
    (text) => !/^-?\d{1,19}$/.test(text) || (BigInt(text) <= INT64_MAX && BigInt(text) >= -INT64_MAX - 1n),
    'expected a bigint (-2^63 to 2^63-1)',
  )
  .transform((text) => BigInt(text).toString())
  .meta({ description: 'a ticket id (bigint, as decimal text)', example: '125248' });

const ownerId = z.string().regex(/^-?\d{1,19}$/, 'expected a whole number (a bigint)');
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

export const errorSchema = z
  .object({
    error: z.string(),
    message: z.string(),
    parameter: z.string().optional(),
    /** Where the ticket is, when a 404 knows it cheaply. */
    tier: z.enum(['hot', 'cold']).optional(),
    archivedAt: z.string().optional(),
  })
  .meta({ id: 'Error' });

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
  cursor: z.string().min(1).optional().meta({ description: "the previous page's nextCursor" }),
};
export const pageQuery = z.object(page);
export const statusPageQuery = z.object({
  ...page,
  status: statusSchema.optional().meta({ description: 'default: in_progress for hot, closed for cold' }),
});
export const closedPageQuery = z.object({
  ...page,
  from: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 timestamp' }),
  to: z.iso
    .datetime({ offset: true, error: 'expected an ISO 8601 timestamp' })
    .optional()
    .meta({ description: 'default: now' }),
});
export const operatorParams = z.object({ operatorId: ownerId });
export const groupParams = z.object({ groupId: ownerId });
export const customerParams = z.object({ customerId: ownerId });

export const restoreBody = z
  .object({
    holdFor: z
      .string()
      .default('1h')
      .refine((text) => (parseDuration(text) ?? 0) > 0, 'expected a duration such as 30m, 2h or 1d')
      .meta({ description: 'how long the restored ticket stays hot before it may be archived again' }),
  })
  .default({ holdFor: '1h' });
export const restoreResponseSchema = z
  .object({ id: z.string(), version: z.string(), holdUntil: z.string() })
  .meta({ id: 'Restored' });
