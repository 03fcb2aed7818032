// The read API's errors, one shape for all of them: RFC 9457 problem details (application/problem+json). `type`
// identifies the kind of problem: the API's own kinds below, or about:blank for a plain HTTP error (unknown route,
// wrong method, unreadable body), whose title is then the status phrase. Extension members say what the client can
// act on: the parameter at fault, the tier a ticket is in, the tier that is unavailable.
import { z } from 'zod';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const tier = z.enum(['hot', 'cold']);

export const problemSchema = z
  .object({
    type: z.string().meta({ description: "the kind of problem (a URI): one of the API's own, or about:blank" }),
    title: z.string().meta({ description: 'a short summary of the kind of problem, the same for each occurrence' }),
    status: z.number().int().min(400).max(599).meta({ description: 'the HTTP status code of this answer' }),
    detail: z.string().meta({ description: 'what went wrong with this request, for people' }),
    instance: z.string().meta({ description: 'the path of the request' }),
    parameter: z.string().optional().meta({ description: 'the request parameter at fault' }),
    tier: tier.optional().meta({ description: 'where the ticket is, when it is not in the tier asked but known' }),
    archivedAt: z.string().optional().meta({ description: 'when the ticket was archived (ISO 8601), with tier=cold' }),
    unavailableTier: tier.optional().meta({ description: 'the tier whose store did not answer (503)' }),
  })
  .meta({
    id: 'Problem',
    description: 'an error, as RFC 9457 problem details; the members after instance appear where they apply',
  });

export type Problem = z.infer<typeof problemSchema>;

/** The API's own kinds of problem: tag URIs, names that no one can dereference by accident and that never change. */
export const PROBLEM_TYPES = {
  invalidParameter: { type: 'tag:ticket-archiver,2026:invalid-parameter', title: 'A request parameter is invalid' },
  ticketNotFound: { type: 'tag:ticket-archiver,2026:ticket-not-found', title: 'The ticket is not in the tier asked' },
  unknownCursor: { type: 'tag:ticket-archiver,2026:unknown-cursor', title: 'The cursor names no page of this list' },
  restoreConflict: { type: 'tag:ticket-archiver,2026:restore-conflict', title: 'The ticket cannot be restored' },
  tokenRequired: { type: 'tag:ticket-archiver,2026:token-required', title: 'A valid bearer token is required' },
  storeUnavailable: { type: 'tag:ticket-archiver,2026:store-unavailable', title: 'A ticket store is unavailable' },
} as const satisfies Record<string, Pick<Problem, 'type' | 'title'>>;
