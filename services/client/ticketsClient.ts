// The typed client of the read API for TypeScript callers: openapi-fetch over the types generated from the API's
// OpenAPI document (openapi.ts, `npm run api:client`), so a path, parameter or field the API does not have is a type
// error in the caller. Every call returns { data } on success or { error } with the API's error body.
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './openapi.ts';

export type Ticket = components['schemas']['Ticket'];
export type TicketPage = components['schemas']['TicketPage'];
/** Every error the API answers: RFC 9457 problem details (application/problem+json). */
export type Problem = components['schemas']['Problem'];
export type TicketsClient = Client<paths>;

/** `token`: the API's bearer token (restore needs it; reads when the API requires it). */
export function createTicketsClient(baseUrl: string, token?: string): TicketsClient {
  return createClient<paths>({ baseUrl, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });
}
