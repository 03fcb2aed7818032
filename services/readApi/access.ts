// Who may call a route: reads are open unless API_READS_REQUIRE_TOKEN, writes (restore) always need the bearer token;
// and what the OpenAPI document says of it (security, and a 401 only where one can occur).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_TYPES } from '../core/read/problem.ts';
import { problem, sendProblem } from './problems.ts';

export interface Access {
  preHandler: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  security: Array<Record<string, string[]>>;
  tokenRequired: boolean;
}

/** Whether the request carries the configured bearer token (compared in constant time). */
function bearerMatches(req: FastifyRequest, token: string | undefined): boolean {
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!token || !given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function accessRules(token: string | undefined, readsRequireToken: boolean): { read: Access; write: Access } {
  const guard = (write: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    if (!write && !readsRequireToken) return;
    if (bearerMatches(req, token)) return;
    const why = token
      ? 'a valid bearer token is required (Authorization: Bearer <API_TOKEN>)'
      : 'writes are disabled: no API_TOKEN is configured';
    await sendProblem(reply.header('www-authenticate', 'Bearer'), problem(req, 401, PROBLEM_TYPES.tokenRequired, why));
  };
  const bearer = [{ bearer: [] }];
  return {
    read: { preHandler: guard(false), security: readsRequireToken ? bearer : [], tokenRequired: readsRequireToken },
    write: { preHandler: guard(true), security: bearer, tokenRequired: true },
  };
}
