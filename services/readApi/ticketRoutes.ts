// GET /tickets/{id} (hot, or cold with tier=cold) and POST /tickets/{id}/restore (the write: bearer token).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parseDuration } from '../core/duration.ts';
import {
  errorSchema,
  idParams,
  restoreBody,
  restoreResponseSchema,
  tierQuery,
  ticketResponseSchema,
} from '../core/read/apiSchemas.ts';
import type { TicketReader } from './tickets.ts';

/** Restores an archived ticket and holds it hot for `holdMs` (services/restore). */
export type Restorer = (id: string, holdMs: number) => Promise<{ id: string; version: string; holdUntil: Date }>;
type Guard = (write: boolean) => (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

export function registerTicketRoutes(
  app: FastifyInstance,
  reader: TicketReader,
  restorer: Restorer,
  authorize: Guard,
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/tickets/:id',
    {
      preHandler: authorize(false),
      schema: {
        summary: 'one ticket, from the hot table (default) or the archive (tier=cold)',
        params: idParams,
        querystring: tierQuery,
        response: { 200: ticketResponseSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const answer = await reader.ticket(req.params.id, req.query.tier);
      if (answer.found) return { tier: answer.tier, ticket: answer.ticket };
      return reply.code(404).send({
        error: 'not found',
        message: answer.message,
        ...(answer.elsewhere
          ? {
              tier: answer.elsewhere.tier,
              ...(answer.elsewhere.archivedAt ? { archivedAt: answer.elsewhere.archivedAt } : {}),
            }
          : {}),
      });
    },
  );
  api.post(
    '/tickets/:id/restore',
    {
      preHandler: authorize(true),
      schema: {
        summary: 'reopen an archived ticket: put it back into the hot table, held hot for holdFor',
        security: [{ bearer: [] }],
        params: idParams,
        body: restoreBody,
        response: { 200: restoreResponseSchema, 400: errorSchema, 401: errorSchema, 409: errorSchema },
      },
    },
    async (req) => {
      const r = await restorer(req.params.id, parseDuration(req.body.holdFor) ?? 3_600_000);
      return { id: r.id, version: r.version, holdUntil: r.holdUntil.toISOString() };
    },
  );
}
