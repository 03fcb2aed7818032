// What the read API takes and refuses, on the real stack: a refusal is problem details naming the parameter at fault
// (400), an unknown cursor or route is a 404, a wrong method a 405 with Allow, an unreadable or unsupported body a
// 400 or 415; a request its schema admits is answered (one tier per request), never refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROBLEM_TYPES } from '../../services/core/read/problem.ts';
import { archiverHarness } from '../support/harness.ts';
import { TOKEN, problemOf, startServe, type Serve } from '../support/readApi.ts';
import { insertTickets, testCustomer } from '../support/tickets.ts';

const h = archiverHarness();
let api: Serve;

describe('read API: requests', () => {
  before(async () => {
    // The harness's before runs first (registered first): the stack is up.
    api = await startServe(h);
  });
  after(async () => {
    await api?.stop();
  });

  it('answers bad parameters with 400 naming the parameter, and one tier per request', async () => {
    const customer = testCustomer();
    const page = await api.get(`/lists/customer/${customer}/tickets?limit=1`);
    const cases: Array<[string, string]> = [
      ['/tickets/abc', 'id'],
      ['/tickets/99999999999999999999', 'id'],
      ['/tickets/9223372036854775808', 'id'],
      ['/tickets/1?tier=warm', 'tier'],
      ['/tickets/1?tier=hot&tier=cold', 'tier'],
      [`/lists/customer/${customer}/tickets?limit=501`, 'limit'],
      [`/lists/customer/${customer}/tickets?limit=0`, 'limit'],
      [`/lists/customer/${customer}/tickets?cursor=${encodeURIComponent('not a cursor!')}`, 'cursor'],
      ['/lists/customer/x/tickets', 'value'],
      ['/lists/customer/9223372036854775808/tickets', 'value'],
      ['/lists/operator/7/tickets?tier=frozen', 'tier'],
      ['/tickets/closed', 'from'],
      ['/tickets/closed?from=yesterday', 'from'],
    ];
    assert.equal(page.status, 200);
    for (const [path, parameter] of cases) {
      const problem = await problemOf(await fetch(`${api.base}${path}`), 400);
      assert.equal(problem.parameter, parameter, `${path}: ${JSON.stringify(problem)}`);
      assert.equal(problem.type, PROBLEM_TYPES.invalidParameter.type);
      assert.equal(problem.instance, path.split('?')[0]);
      assert.match(problem.detail, new RegExp(`^${parameter}: `));
    }
  });

  it('answers a cursor it did not give out for this list with 404, and a well-formed empty question with an empty page', async () => {
    const customer = testCustomer();
    await insertTickets(h.stores.db, [
      { status: 'in_progress', ageSeconds: 10, customerId: customer },
      { status: 'in_progress', ageSeconds: 20, customerId: customer },
    ]);
    const first = await api.get(`/lists/customer/${customer}/tickets?limit=1`);
    const cursor = String(first.body.nextCursor);
    const elsewhere = await fetch(`${api.base}/lists/customer/${customer + 1}/tickets?cursor=${cursor}`);
    const otherTier = await fetch(`${api.base}/lists/customer/${customer}/tickets?tier=cold&cursor=${cursor}`);
    for (const res of [
      elsewhere,
      otherTier,
      await fetch(`${api.base}/lists/operatorGroup/3/tickets?cursor=not-a-cursor`),
    ]) {
      const problem = await problemOf(res, 404);
      assert.deepEqual([problem.type, problem.parameter], [PROBLEM_TYPES.unknownCursor.type, 'cursor']);
    }
    // The archive holds none of this customer's (in progress) tickets, and a range that ends before it starts holds none: empty, not refused.
    for (const path of [
      `/lists/customer/${customer}/tickets?tier=cold`,
      '/tickets/closed?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    ]) {
      const res = await api.get(path);
      assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
      assert.deepEqual([res.body.tickets, res.body.nextCursor], [[], null], path);
    }
  });

  it('answers unknown routes, wrong methods and bodies it cannot read as problem details', async () => {
    const unknown = await problemOf(await fetch(`${api.base}/tickets/1/history`), 404);
    assert.deepEqual(
      [unknown.type, unknown.title, unknown.instance],
      ['about:blank', 'Not Found', '/tickets/1/history'],
    );
    const wrongMethod = await fetch(`${api.base}/tickets/1`, { method: 'DELETE' });
    assert.equal(wrongMethod.headers.get('allow'), 'GET, HEAD');
    assert.equal((await problemOf(wrongMethod, 405)).title, 'Method Not Allowed');
    const restore = (headers: Record<string, string>, body: string) =>
      fetch(`${api.base}/tickets/1/restore`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, ...headers },
        body,
      });
    const malformed = await problemOf(await restore({ 'content-type': 'application/json' }, '{"holdFor": '), 400);
    assert.equal(malformed.type, 'about:blank');
    await problemOf(await restore({ 'content-type': 'text/plain' }, 'holdFor=1h'), 415);
    const badHold = await problemOf(await restore({ 'content-type': 'application/json' }, '{"holdFor":"0h"}'), 400);
    assert.equal(badHold.parameter, 'holdFor');
  });
});
