// The agents' lists of the brief, each paged by cursor, from one tier (hot by default): unassigned tickets, an
// operator's, an operator group's, a customer's, and those closed within a time range (supervisors).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  closedPageQuery,
  customerParams,
  errorSchema,
  groupParams,
  operatorParams,
  pageQuery,
  pageResponseSchema,
  statusPageQuery,
} from '../core/read/apiSchemas.ts';
import { decodeCursor, type ListFilter, type ListView, type Tier, type TicketStatus } from '../core/read/listing.ts';
import { BadParameter } from './badParameter.ts';
import type { TicketReader } from './tickets.ts';

type Guard = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
const responses = { 200: pageResponseSchema, 400: errorSchema, 401: errorSchema };

export function registerListRoutes(app: FastifyInstance, reader: TicketReader, authorize: Guard): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const page = (view: ListView, tier: Tier, limit: number, cursor: string | undefined, filter: ListFilter) => {
    const q = { view, tier, limit, filter };
    return reader.page({ ...q, ...(cursor ? { after: decodeCursor(cursor, q) } : {}) });
  };
  const coldStatus = (tier: Tier, status: TicketStatus | undefined): TicketStatus => {
    if (tier === 'cold' && status !== undefined && status !== 'closed')
      throw new BadParameter('status', 'the archive holds closed tickets only');
    return status ?? (tier === 'cold' ? 'closed' : 'in_progress');
  };
  api.get(
    '/tickets/unassigned',
    {
      preHandler: authorize,
      schema: { summary: 'unassigned tickets, oldest first (hot only)', querystring: pageQuery, response: responses },
    },
    async (req) => {
      if (req.query.tier === 'cold')
        throw new BadParameter('tier', 'the archive holds closed tickets only: there are no unassigned ones');
      return page('unassigned', 'hot', req.query.limit, req.query.cursor, {});
    },
  );
  api.get(
    '/operators/:operatorId/tickets',
    {
      preHandler: authorize,
      schema: {
        summary: "an operator's tickets (last operated by them), latest first",
        params: operatorParams,
        querystring: statusPageQuery,
        response: responses,
      },
    },
    async (req) =>
      page('operator', req.query.tier, req.query.limit, req.query.cursor, {
        ownerId: req.params.operatorId,
        status: coldStatus(req.query.tier, req.query.status),
      }),
  );
  api.get(
    '/operator-groups/:groupId/tickets',
    {
      preHandler: authorize,
      schema: {
        summary: "an operator group's tickets, latest first",
        params: groupParams,
        querystring: statusPageQuery,
        response: responses,
      },
    },
    async (req) =>
      page('operatorGroup', req.query.tier, req.query.limit, req.query.cursor, {
        ownerId: req.params.groupId,
        status: coldStatus(req.query.tier, req.query.status),
      }),
  );
  api.get(
    '/customers/:customerId/tickets',
    {
      preHandler: authorize,
      schema: {
        summary: "a customer's tickets, newest first",
        params: customerParams,
        querystring: pageQuery,
        response: responses,
      },
    },
    async (req) =>
      page('customer', req.query.tier, req.query.limit, req.query.cursor, { ownerId: req.params.customerId }),
  );
  api.get(
    '/tickets/closed',
    {
      preHandler: authorize,
      schema: {
        summary: 'tickets closed (last operated) within [from, to), latest first',
        querystring: closedPageQuery,
        response: responses,
      },
    },
    async (req) => {
      const to = req.query.to ?? new Date().toISOString();
      if (Date.parse(to) <= Date.parse(req.query.from)) throw new BadParameter('to', 'must be after from');
      return page('closed', req.query.tier, req.query.limit, req.query.cursor, { from: req.query.from, to });
    },
  );
}
