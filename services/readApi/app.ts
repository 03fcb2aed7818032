// The read API as a Fastify application: routes whose requests and responses are the zod schemas of
// core/read/apiSchemas.ts, the OpenAPI document generated from them (GET /openapi.json), every error as problem
// details (problems.ts), and a bearer token for writes (and for reads when configured: access.ts).
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from '../runtime/logger.ts';
import { accessRules } from './access.ts';
import { registerListRoutes } from './listRoutes.ts';
import { clientErrorHandler, sendError, sendNoRoute } from './problems.ts';
import { documentTransform } from './responses.ts';
import { registerTicketRoutes, type Restorer } from './ticketRoutes.ts';
import type { TicketReader } from './tickets.ts';
import type { ReadTable } from '../core/read/apiSchemas.ts';

export interface ReadApiOptions {
  reader: TicketReader;
  /** The archived table's key and lists, typed as its columns are. */
  table: ReadTable;
  restorer: Restorer;
  token: string | undefined;
  readsRequireToken: boolean;
  log: Logger;
  /** Extra routes on the same port (health, readiness, metrics). */
  extra?: (app: FastifyInstance) => void;
}

export async function buildReadApi(o: ReadApiOptions): Promise<FastifyInstance> {
  // Fastify's own logger type: its instance type is then the plain FastifyInstance the route modules take.
  const loggerInstance: FastifyBaseLogger = o.log;
  const app: FastifyInstance = Fastify({
    loggerInstance,
    logController: new LogController({ disableRequestLogging: true }),
    clientErrorHandler,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'ticket-archiver read API',
        version: '1',
        description:
          'Tickets from the hot table by default, from the archive with tier=cold; never both tiers in one request. Errors are RFC 9457 problem details (application/problem+json).',
      },
      tags: [
        { name: 'tickets', description: 'one ticket by id, and its restore' },
        { name: 'lists', description: "the archive spec's lists, one tier at a time, paged by cursor" },
      ],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: documentTransform,
    transformObject: jsonSchemaTransformObject,
  });
  // The API reads JSON only: a text/plain body is refused (415) rather than parsed into a string.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(sendError);
  app.setNotFoundHandler((req, reply) => sendNoRoute(app, req, reply));
  const access = accessRules(o.token, o.readsRequireToken);
  registerTicketRoutes(app, o.reader, o.restorer, o.table, access);
  registerListRoutes(app, o.reader, o.table, access.read);
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  o.extra?.(app);
  await app.ready();
  return app;
}
