// The read API as a Fastify application: routes whose requests and responses are the zod schemas of
// core/read/apiSchemas.ts, the OpenAPI document generated from them (GET /openapi.json), errors that name the
// parameter at fault, and a bearer token for writes (and for reads when configured).
import { timingSafeEqual } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { RestoreError, TicketArchiverError, isRetriable } from '../core/errors.ts';
import { CursorError } from '../core/read/listing.ts';
import type { Logger } from '../runtime/logger.ts';
import { BadParameter } from './badParameter.ts';
import { registerListRoutes } from './listRoutes.ts';
import { registerTicketRoutes, type Restorer } from './ticketRoutes.ts';
import type { TicketReader } from './tickets.ts';

export interface ReadApiOptions {
  reader: TicketReader;
  restorer: Restorer;
  token: string | undefined;
  readsRequireToken: boolean;
  log: Logger;
  /** Extra routes on the same port (health, readiness, metrics). */
  extra?: (app: FastifyInstance) => void;
}

/** Whether the request carries the configured bearer token (compared in constant time). */
function bearerMatches(req: FastifyRequest, token: string | undefined): boolean {
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!token || !given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function buildReadApi(o: ReadApiOptions): Promise<FastifyInstance> {
  // Fastify's own logger type: its instance type is then the plain FastifyInstance the route modules take.
  const loggerInstance: FastifyBaseLogger = o.log;
  const app: FastifyInstance = Fastify({
    loggerInstance,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'ticket-archiver read API',
        version: '1',
        description:
          'Tickets from the hot table by default, from the archive with tier=cold; never both tiers in one request.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply, o.log));
  const authorize = (write: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    if (!write && !o.readsRequireToken) return;
    if (bearerMatches(req, o.token)) return;
    const why = o.token
      ? 'a valid bearer token is required (Authorization: Bearer <API_TOKEN>)'
      : 'writes are disabled: no API_TOKEN is configured';
    await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: why });
  };
  registerTicketRoutes(app, o.reader, o.restorer, authorize);
  registerListRoutes(app, o.reader, authorize(false));
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  o.extra?.(app);
  await app.ready();
  return app;
}

function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply, log: Logger): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issue = err.validation[0];
    const parameter =
      String(issue?.instancePath ?? '')
        .replace(/^\//, '')
        .split('/')[0] ||
      (err.validationContext ?? 'request');
    return reply
      .code(400)
      .send({ error: 'bad request', parameter, message: `${parameter}: ${issue?.message ?? 'invalid'}` });
  }
  if (err instanceof BadParameter || err instanceof CursorError) {
    const parameter = err instanceof BadParameter ? err.parameter : 'cursor';
    return reply.code(400).send({ error: 'bad request', parameter, message: `${parameter}: ${err.message}` });
  }
  if (err instanceof RestoreError) return reply.code(409).send({ error: 'conflict', message: err.message });
  const status = (err as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500)
    return reply.code(status).send({ error: 'bad request', message: (err as Error).message });
  // A store that does not answer: the caller may retry.
  const retriable = err instanceof TicketArchiverError && isRetriable(err);
  log.error({ err, url: req.url }, 'request failed');
  return reply
    .code(retriable ? 503 : 500)
    .send({ error: retriable ? 'unavailable' : 'internal error', message: (err as Error).message });
}
