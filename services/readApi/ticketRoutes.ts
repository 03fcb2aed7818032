// GET /tickets/{id} (hot, or cold with tier=cold) and POST /tickets/{id}/restore (the write: bearer token).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parseDuration } from '../core/duration.ts';
import {
  idParams,
  type ReadTable,
  restoreBody,
  restoreResponseSchema,
  tierQuery,
  ticketResponseSchema,
} from '../core/read/apiSchemas.ts';
import { PROBLEM_TYPES } from '../core/read/problem.ts';
import type { Access } from './access.ts';
import { problem, sendProblem } from './problems.ts';
import { UNAUTHORIZED, json, problems } from './responses.ts';
import type { TicketReader } from './tickets.ts';

/** Restores an archived ticket and holds it hot for `holdMs` (services/restore). */
export type Restorer = (id: string, holdMs: number) => Promise<{ id: string; version: string; holdUntil: Date }>;

export function registerTicketRoutes(
  app: FastifyInstance,
  reader: TicketReader,
  restorer: Restorer,
  table: ReadTable,
  access: { read: Access; write: Access },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/tickets/:id',
    {
      preHandler: access.read.preHandler,
      schema: {
        operationId: 'getTicket',
        tags: ['tickets'],
        summary: 'one ticket, from the hot table (default) or the archive (tier=cold)',
        security: access.read.security,
        params: idParams(table),
        querystring: tierQuery,
        response: {
          200: json('the ticket, from the tier asked', ticketResponseSchema),
          ...problems({
            400: "the id is not a value of the table's key, or tier is neither hot nor cold (parameter names which)",
            ...(access.read.tokenRequired ? { 401: UNAUTHORIZED } : {}),
            404: 'the ticket is not in the tier asked; tier (and archivedAt) say where it is when it is in the other',
          }),
        },
      },
    },
    async (req, reply) => {
      const answer = await reader.ticket(req.params.id, req.query.tier);
      if (answer.found)
        return { tier: answer.tier, ticket: answer.ticket, ...(answer.parts ? { parts: answer.parts } : {}) };
      const elsewhere = answer.elsewhere
        ? {
            tier: answer.elsewhere.tier,
            ...(answer.elsewhere.archivedAt ? { archivedAt: answer.elsewhere.archivedAt } : {}),
          }
        : {};
      return sendProblem(reply, problem(req, 404, PROBLEM_TYPES.ticketNotFound, answer.message, elsewhere));
    },
  );
  api.post(
    '/tickets/:id/restore',
    {
      preHandler: access.write.preHandler,
      schema: {
        operationId: 'restoreTicket',
        tags: ['tickets'],
        summary: 'reopen an archived ticket: put it back into the hot table, held hot for holdFor',
        security: access.write.security,
        params: idParams(table),
        body: restoreBody,
        response: {
          200: json('the ticket is hot again, held there until holdUntil', restoreResponseSchema),
          ...problems({
            400: 'the id or holdFor is invalid, or the body is not a JSON object (parameter names which)',
            401: `${UNAUTHORIZED}, or the API has no token and takes no writes`,
            409: 'the ticket cannot be restored: it is in the hot table, or the archive has no copy of it',
            413: 'the body is larger than the API reads',
            415: 'the body is not application/json',
          }),
        },
      },
    },
    async (req) => {
      // The schema's pattern admits only durations parseDuration reads.
      const r = await restorer(req.params.id, parseDuration(req.body.holdFor) ?? 3_600_000);
      return { id: r.id, version: r.version, holdUntil: r.holdUntil.toISOString() };
    },
  );
}
