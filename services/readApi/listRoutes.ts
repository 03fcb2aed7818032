// The agents' lists of the brief, each paged by cursor, from one tier (hot by default): unassigned tickets, an
// operator's, an operator group's, a customer's, and those closed within a time range (supervisors).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  closedPageQuery,
  customerParams,
  groupParams,
  operatorParams,
  pageQuery,
  pageResponseSchema,
  statusPageQuery,
  unassignedPageQuery,
} from '../core/read/apiSchemas.ts';
import { decodeCursor, type ListFilter, type ListView, type Tier } from '../core/read/listing.ts';
import type { Access } from './access.ts';
import { UNAUTHORIZED, json, problems } from './responses.ts';
import type { TicketReader } from './tickets.ts';

export function registerListRoutes(app: FastifyInstance, reader: TicketReader, access: Access): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const page = (view: ListView, tier: Tier, limit: number, cursor: string | undefined, filter: ListFilter) => {
    const q = { view, tier, limit, filter };
    return reader.page({ ...q, ...(cursor ? { after: decodeCursor(cursor, q) } : {}) });
  };
  const operation = (operationId: string, summary: string, badParameters: string) => ({
    operationId,
    tags: ['lists'],
    summary,
    security: access.security,
    response: {
      200: json('a page of the list, from the tier asked; nextCursor is null on the last page', pageResponseSchema),
      ...problems({
        400: `${badParameters} (parameter names which)`,
        ...(access.tokenRequired ? { 401: UNAUTHORIZED } : {}),
        404: 'the cursor names no page of this list: it was not given out for this list and tier',
      }),
    },
  });
  const paging = 'limit is not 1 to 500, the cursor is malformed';
  api.get(
    '/tickets/unassigned',
    {
      preHandler: access.preHandler,
      schema: {
        ...operation(
          'listUnassignedTickets',
          'unassigned tickets, oldest first (hot only)',
          `tier is not hot, ${paging}`,
        ),
        querystring: unassignedPageQuery,
      },
    },
    async (req) => page('unassigned', req.query.tier, req.query.limit, req.query.cursor, {}),
  );
  api.get(
    '/operators/:operatorId/tickets',
    {
      preHandler: access.preHandler,
      schema: {
        ...operation(
          'listOperatorTickets',
          "an operator's tickets (last operated by them), latest first",
          `the operator id is not a bigint, tier or status is unknown, ${paging}`,
        ),
        params: operatorParams,
        querystring: statusPageQuery,
      },
    },
    async (req) =>
      page('operator', req.query.tier, req.query.limit, req.query.cursor, {
        ownerId: req.params.operatorId,
        ...(req.query.status ? { status: req.query.status } : {}),
      }),
  );
  api.get(
    '/operator-groups/:groupId/tickets',
    {
      preHandler: access.preHandler,
      schema: {
        ...operation(
          'listOperatorGroupTickets',
          "an operator group's tickets, latest first",
          `the group id is not a bigint, tier or status is unknown, ${paging}`,
        ),
        params: groupParams,
        querystring: statusPageQuery,
      },
    },
    async (req) =>
      page('operatorGroup', req.query.tier, req.query.limit, req.query.cursor, {
        ownerId: req.params.groupId,
        ...(req.query.status ? { status: req.query.status } : {}),
      }),
  );
  api.get(
    '/customers/:customerId/tickets',
    {
      preHandler: access.preHandler,
      schema: {
        ...operation(
          'listCustomerTickets',
          "a customer's tickets, newest first",
          `the customer id is not a bigint, tier is unknown, ${paging}`,
        ),
        params: customerParams,
        querystring: pageQuery,
      },
    },
    async (req) =>
      page('customer', req.query.tier, req.query.limit, req.query.cursor, { ownerId: req.params.customerId }),
  );
  api.get(
    '/tickets/closed',
    {
      preHandler: access.preHandler,
      schema: {
        ...operation(
          'listClosedTickets',
          'tickets closed (last operated) within [from, to), latest first',
          `from is missing, from or to is not an ISO 8601 timestamp, tier is unknown, ${paging}`,
        ),
        querystring: closedPageQuery,
      },
    },
    // A range that ends before it starts holds no ticket: the stores answer it with an empty page.
    async (req) =>
      page('closed', req.query.tier, req.query.limit, req.query.cursor, {
        from: req.query.from,
        to: req.query.to ?? new Date().toISOString(),
      }),
  );
}
