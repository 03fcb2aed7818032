// The lists of the archive spec, each paged by cursor, from one tier (hot by default): one route per list
// (GET /lists/{name}/{value}/tickets: the tickets with that value of the list's column, newest first by its order),
// and the tickets in the cold state last operated within a time range (GET /tickets/closed, supervisors).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { closedPageQuery, pageQuery, pageResponseSchema, valueParam, type ReadTable } from '../core/read/apiSchemas.ts';
import { CLOSED, decodeCursor, type ListFilter, type Tier } from '../core/read/listing.ts';
import type { Access } from './access.ts';
import { UNAUTHORIZED, json, problems } from './responses.ts';
import type { TicketReader } from './tickets.ts';

export function registerListRoutes(app: FastifyInstance, reader: TicketReader, table: ReadTable, access: Access): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const page = (list: string, tier: Tier, limit: number, cursor: string | undefined, filter: ListFilter) => {
    const q = { list, tier, limit, filter };
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
  const paging = 'limit is not 1 to 500, the cursor is malformed, tier is unknown';
  for (const list of table.lists) {
    const name = list.name;
    api.get(
      `/lists/${name}/:value/tickets`,
      {
        preHandler: access.preHandler,
        schema: {
          ...operation(
            `list${name[0]?.toUpperCase()}${name.slice(1)}Tickets`,
            `the tickets whose ${list.column} is the value, newest ${list.orderBy} first`,
            `the value is not a ${list.type}, ${paging}`,
          ),
          params: z.object({ value: valueParam(list.type, `a value of ${list.column}`, '7') }),
          querystring: pageQuery,
        },
      },
      async (req) => page(name, req.query.tier, req.query.limit, req.query.cursor, { value: req.params.value }),
    );
  }
  api.get(
    '/tickets/closed',
    {
      preHandler: access.preHandler,
      schema: {
        ...operation(
          'listClosedTickets',
          "tickets in the cold state (the spec's cold.when) last operated within [from, to), latest first",
          `from is missing, from or to is not an ISO 8601 timestamp, ${paging}`,
        ),
        querystring: closedPageQuery,
      },
    },
    // A range that ends before it starts holds no ticket: the stores answer it with an empty page.
    async (req) =>
      page(CLOSED, req.query.tier, req.query.limit, req.query.cursor, {
        from: req.query.from,
        to: req.query.to ?? new Date().toISOString(),
      }),
  );
}
