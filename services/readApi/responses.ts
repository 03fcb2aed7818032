// What each operation answers, for the OpenAPI document and for Fastify's serializers: every status code an operation
// can return, each with what it means, errors as problem details (application/problem+json) with the headers that go
// with them (WWW-Authenticate on 401, Retry-After on 503).
import type { SwaggerTransform } from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { PROBLEM_MEDIA_TYPE, problemSchema } from '../core/read/problem.ts';

type ProblemStatus = 400 | 401 | 404 | 409 | 413 | 415 | 500 | 503;

// Response headers as @fastify/swagger documents them: a JSON schema per header.
const HEADERS: Partial<Record<ProblemStatus, Record<string, Record<string, unknown>>>> = {
  401: { 'WWW-Authenticate': { type: 'string', description: 'Bearer: the scheme the API takes' } },
  503: { 'Retry-After': { type: 'integer', minimum: 1, description: 'seconds to wait before asking again' } },
};

/** Any operation can fail on its own or find a store down. */
const ALWAYS = {
  500: 'the API failed unexpectedly; the details are in its log, not in the answer',
  503: 'the store of the tier asked (the hot database or the archive) is unavailable: retry after Retry-After seconds',
};

export function json<S extends z.ZodType>(description: string, schema: S) {
  return { description, content: { 'application/json': { schema } } };
}

/** The problem answers of one operation, each with its meaning for that operation. */
export function problems(described: Partial<Record<ProblemStatus, string>>) {
  return Object.fromEntries(
    Object.entries({ ...described, ...ALWAYS }).map(([status, description]) => [
      status,
      {
        description,
        content: { [PROBLEM_MEDIA_TYPE]: { schema: problemSchema } },
        ...(HEADERS[Number(status) as ProblemStatus] ? { headers: HEADERS[Number(status) as ProblemStatus] } : {}),
      },
    ]),
  );
}

/** The 401 of an operation that takes the bearer token. */
export const UNAUTHORIZED = 'the bearer token (Authorization: Bearer <API_TOKEN>) is missing or wrong';

/** fastify-type-provider-zod's transform, keeping the responses' headers, which it leaves out. */
export const documentTransform: SwaggerTransform = (input) => {
  const output = jsonSchemaTransform(input);
  const declared = (input.schema as { response?: Record<string, { headers?: unknown }> } | undefined)?.response;
  const documented = (output.schema as { response?: Record<string, Record<string, unknown>> }).response;
  for (const [status, response] of Object.entries(declared ?? {})) {
    const target = documented?.[status];
    if (response.headers && target) target.headers = response.headers;
  }
  return output;
};
