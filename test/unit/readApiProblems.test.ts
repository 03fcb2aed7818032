// Every error of the read API is RFC 9457 problem details of one shape, Fastify's own and unknown routes included,
// and none tells a client where a store lives: the application in process, over a reader whose answers each test
// sets (its errors are the ones the stores' edges throw).
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { RestoreError, StoreRefusedError, StoreUnavailableError } from '../../services/core/errors.ts';
import { PROBLEM_MEDIA_TYPE, problemSchema, type Problem } from '../../services/core/read/problem.ts';
import { buildReadApi } from '../../services/readApi/app.ts';
import type { TicketReader } from '../../services/readApi/tickets.ts';
import { readTableOf } from '../../services/core/read/apiSchemas.ts';
import { defaultSpec } from '../support/specs.ts';

const TOKEN = 'unit-token-0123456789abcdef';
const INTERNALS = /127\.0\.0\.1|26432|postgres:\/\/|ECONNREFUSED|password/;
let failure: Error = new Error('unset');
let app: FastifyInstance;

async function problemOf(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'QUERY',
  url: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ problem: Problem; headers: Record<string, unknown> }> {
  const res = await app.inject({
    method,
    url,
    ...(options.body ? { body: options.body } : {}),
    headers: options.headers,
  });
  assert.equal(res.headers['content-type'], `${PROBLEM_MEDIA_TYPE}; charset=utf-8`, `${method} ${url}: ${res.body}`);
  const problem = problemSchema.parse(res.json());
  assert.equal(problem.status, res.statusCode);
  assert.doesNotMatch(res.body, INTERNALS);
  return { problem, headers: res.headers };
}

describe('read API errors', () => {
  before(async () => {
    const fail = () => Promise.reject(failure);
    app = await buildReadApi({
      table: readTableOf(defaultSpec, { id: 'bigint', customer_id: 'bigint' }),
      reader: { ticket: fail, page: fail } as unknown as TicketReader,
      restorer: fail,
      token: TOKEN,
      readsRequireToken: false,
      log: pino({ level: 'silent' }),
    });
  });
  after(() => app.close());

  it('names a store that does not answer by its tier, with Retry-After, and nothing of where it lives', async () => {
    const cause = 'connect ECONNREFUSED 127.0.0.1:26432';
    failure = new StoreUnavailableError('postgres', `PostgreSQL (DATABASE_URL) is unreachable: ${cause}`);
    const hot = await problemOf('GET', '/tickets/7?tier=hot');
    assert.equal(hot.problem.unavailableTier, 'hot');
    assert.match(hot.problem.detail, /^the hot database is unavailable/);
    assert.equal(hot.headers['retry-after'], '5');
    failure = new StoreUnavailableError('cold store', 'cold store at mongodb://u:***@127.0.0.1:26017/ is unreachable');
    const cold = await problemOf('GET', '/lists/customer/4/tickets?tier=cold');
    assert.deepEqual(
      [cold.problem.status, cold.problem.unavailableTier, cold.problem.instance],
      [503, 'cold', '/lists/customer/4/tickets'],
    );
    assert.match(cold.problem.detail, /^the archive is unavailable/);
  });

  it("answers a failure that is not the client's with a 500 that says nothing of it", async () => {
    failure = new StoreRefusedError('postgres', 'PostgreSQL: permission denied for table tickets (127.0.0.1:26432)');
    const { problem } = await problemOf('GET', '/tickets/7');
    assert.deepEqual([problem.status, problem.type, problem.title], [500, 'about:blank', 'Internal Server Error']);
  });

  it('answers restore conflicts with 409, and a missing token with 401 and WWW-Authenticate', async () => {
    failure = new RestoreError('ticket 7 is in the hot table (version 3); only an archived ticket can be restored');
    const json = { 'content-type': 'application/json' };
    const conflict = await problemOf('POST', '/tickets/7/restore', {
      body: '{}',
      headers: { ...json, authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(conflict.problem.status, 409);
    assert.match(conflict.problem.detail, /is in the hot table/);
    const refused = await problemOf('POST', '/tickets/7/restore', { body: '{}', headers: json });
    assert.equal(refused.problem.status, 401);
    assert.equal(refused.headers['www-authenticate'], 'Bearer');
  });

  it('answers parameters, bodies and routes it cannot take with 400, 404, 405, 415', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const invalid = await problemOf('GET', '/tickets/9223372036854775808');
    assert.deepEqual([invalid.problem.status, invalid.problem.parameter], [400, 'id']);
    const malformed = await problemOf('POST', '/tickets/7/restore', {
      body: '{"holdFor": ',
      headers: { ...auth, 'content-type': 'application/json' },
    });
    assert.deepEqual([malformed.problem.status, malformed.problem.type], [400, 'about:blank']);
    const text = await problemOf('POST', '/tickets/7/restore', {
      body: 'x',
      headers: { ...auth, 'content-type': 'text/plain' },
    });
    assert.equal(text.problem.status, 415);
    const unknown = await problemOf('GET', '/nowhere?x=1');
    assert.deepEqual([unknown.problem.status, unknown.problem.instance], [404, '/nowhere']);
    const method = await problemOf('DELETE', '/tickets/7');
    assert.equal(method.problem.status, 405);
    assert.equal(method.headers.allow, 'GET, HEAD');
    const post = await problemOf('PUT', '/tickets/7/restore');
    assert.equal(post.headers.allow, 'POST');
    // A method Fastify expects a body with, sent without one: still routing's answer, not the body's.
    const query = await problemOf('QUERY', '/tickets/closed');
    assert.deepEqual([query.problem.status, query.headers.allow], [405, 'GET, HEAD']);
  });

  it('answers a request that is not HTTP with a problem too', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(port, '127.0.0.1', () =>
        socket.write('GET /tickets/7 HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'),
      );
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(answer, new RegExp(`Content-Type: ${PROBLEM_MEDIA_TYPE.replace('+', '\\+')}`));
    const problem = problemSchema.parse(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)));
    assert.deepEqual([problem.status, problem.instance], [400, '/tickets/7']);
  });
});
