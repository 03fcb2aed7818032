// Every 4xx and 5xx answer of the read API as RFC 9457 problem details (core/read/problem.ts): the errors its routes
// throw, Fastify's own (validation, an unreadable or unsupported body), unknown routes and methods, and requests
// Node cannot even parse. What a client sees never holds a connection string, a host or a port: a store that does not
// answer is named by its tier, and the error itself goes to the log.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { RestoreError, StoreUnavailableError, TicketArchiverError, isRetriable } from '../core/errors.ts';
import { CursorError, type Tier } from '../core/read/listing.ts';
import { PROBLEM_MEDIA_TYPE, PROBLEM_TYPES, type Problem } from '../core/read/problem.ts';

/** Seconds a client should wait after a 503: a store's restart or failover takes seconds, not minutes. */
export const RETRY_AFTER_SECONDS = 5;

type Kind = (typeof PROBLEM_TYPES)[keyof typeof PROBLEM_TYPES];
type Extensions = Pick<Problem, 'parameter' | 'tier' | 'archivedAt' | 'unavailableTier'>;

/** The request's path, without its query: the problem's instance. */
function pathOf(req: FastifyRequest): string {
  return req.url.split('?', 1)[0] ?? '/';
}

/** A problem of one of the API's own kinds, or a plain HTTP one (about:blank, titled by its status phrase). */
export function problem(
  req: FastifyRequest,
  status: number,
  kind: Kind | undefined,
  detail: string,
  extensions: Extensions = {},
): Problem {
  const { type, title } = kind ?? { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error' };
  return { type, title, status, detail, instance: pathOf(req), ...extensions };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type(PROBLEM_MEDIA_TYPE).send(p);
}

const TIER_STORES: Record<Tier, string> = { hot: 'the hot database', cold: 'the archive' };
const STORE_TIERS: Partial<Record<StoreUnavailableError['store'], Tier>> = { postgres: 'hot', 'cold store': 'cold' };

/** A store that did not answer, named in the ticket domain, with Retry-After. */
export function unavailable(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const tier = err instanceof StoreUnavailableError ? STORE_TIERS[err.store] : undefined;
  const what = tier ? `${TIER_STORES[tier]} is unavailable` : 'a ticket store is briefly unable to answer';
  reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return sendProblem(
    reply,
    problem(req, 503, PROBLEM_TYPES.storeUnavailable, `${what}; retry in ${RETRY_AFTER_SECONDS} seconds`, {
      ...(tier ? { unavailableTier: tier } : {}),
    }),
  );
}

/** The route modules' and Fastify's errors as problems; what is not the client's doing is logged in full. */
export function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  // Fastify reads the body even where no route is (a QUERY without a content type fails there): routing comes first.
  if (req.is404) return sendNoRoute(req.server, req, reply);
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issue = err.validation[0];
    const parameter =
      String(issue?.instancePath ?? '')
        .replace(/^\//, '')
        .split('/')[0] ||
      (err.validationContext ?? 'request');
    const detail = `${parameter}: ${issue?.message ?? 'invalid'}`;
    return sendProblem(reply, problem(req, 400, PROBLEM_TYPES.invalidParameter, detail, { parameter }));
  }
  if (err instanceof CursorError) {
    const detail = `cursor: ${err.message}`;
    return sendProblem(reply, problem(req, 404, PROBLEM_TYPES.unknownCursor, detail, { parameter: 'cursor' }));
  }
  if (err instanceof RestoreError)
    return sendProblem(reply, problem(req, 409, PROBLEM_TYPES.restoreConflict, err.message));
  // Fastify's own refusals of a request (an unreadable or unsupported body, one too large): their messages speak
  // of the request only.
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return sendProblem(reply, problem(req, status, undefined, (err as Error).message));
  req.log.error({ err, method: req.method, url: req.url }, 'request failed');
  if (err instanceof TicketArchiverError && isRetriable(err)) return unavailable(req, reply, err);
  const detail = 'the read API failed to answer this request; its log has the details';
  return sendProblem(reply, problem(req, 500, undefined, detail));
}

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/** No route for this method and path: 405 with Allow when the path has routes for other methods, else 404. */
export function sendNoRoute(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = pathOf(req);
  const allowed = METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
  if (allowed.length === 0) return sendProblem(reply, problem(req, 404, undefined, `no route ${req.method} ${path}`));
  reply.header('allow', allowed.join(', '));
  const detail = `${req.method} is not allowed on ${path}; it takes ${allowed.join(', ')}`;
  return sendProblem(reply, problem(req, 405, undefined, detail));
}

/** A request Node's HTTP parser refused (malformed, headers too large): answered on the socket, as Fastify does. */
export function clientErrorHandler(err: ConnectionError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const title = STATUS_CODES[status] ?? 'Bad Request';
  // The request line, when there is one (Node hands over the packet it could not parse as a Buffer).
  const instance =
    /^\S+ (\/\S*)/
      .exec(Buffer.isBuffer(err.rawPacket) ? err.rawPacket.toString('latin1') : '')?.[1]
      ?.split('?', 1)[0] ?? '/';
  const body = JSON.stringify({
    type: 'about:blank',
    title,
    status,
    detail: 'the request is not valid HTTP',
    instance,
  } satisfies Problem);
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_MEDIA_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(err);
}
