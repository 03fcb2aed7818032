// The read API on the real stack, one ticket at a time: the same JSON for a ticket from either tier, and a 404 that
// says where a ticket is when it is not in the tier asked.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertTickets as insertSamples } from '../../infra/local/demo/insertTickets.ts';
import { sampleTicket, seededRandom } from '../../infra/local/demo/sampleTickets.ts';
import { PROBLEM_TYPES } from '../../services/core/read/problem.ts';
import { groupAtEnd } from '../support/archiverProcess.ts';
import { archiverHarness } from '../support/harness.ts';
import { archiveAll, problemOf, startServe, type Json, type Serve } from '../support/readApi.ts';
import { insertTickets, testCustomer } from '../support/tickets.ts';

const h = archiverHarness();
let api: Serve;

describe('read API: one ticket from either tier', () => {
  before(async () => {
    // The harness's before runs first (registered first): the stack is up.
    api = await startServe(h);
  });
  after(async () => {
    await api?.stop();
  });

  it('gives the same JSON for a ticket read hot before archiving and read cold after, every demo shape and added columns', async () => {
    await h.stores.db.query(
      `ALTER TABLE public.tickets ADD COLUMN IF NOT EXISTS api_note jsonb DEFAULT '{"n": 1.50, "tags": ["a", null]}', ADD COLUMN IF NOT EXISTS api_amount numeric(14,4) DEFAULT 12.3400`,
    );
    const groupId = await groupAtEnd(h.env, 'test-read-api');
    const customer = testCustomer();
    const random = seededRandom(18);
    const now = Date.now();
    const samples = Array.from({ length: 60 }, () => ({
      ...sampleTicket(random, now, 30 * 86_400_000, { unassigned: 0, inProgress: 0, recentlyClosed: 0, longClosed: 1 }),
      customer_id: customer,
    }));
    const ids = await insertSamples(h.stores.db, samples);
    const hot = new Map<string, Json>();
    for (const id of ids) {
      const res = await api.get(`/tickets/${id}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.tier, 'hot');
      hot.set(id, res.body.ticket as Json);
    }
    const sample = hot.get(ids[0] as string) as Json;
    assert.deepEqual(sample.api_note, { n: 1.5, tags: ['a', null] }, 'jsonb as JSON');
    assert.equal(sample.api_amount, '12.3400', 'numeric as exact text');
    assert.equal(typeof sample.id, 'string');
    assert.match(String(sample.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'timestamps with microseconds');

    await archiveAll(h, ids, customer, groupId);
    for (const id of ids) {
      const res = await api.get(`/tickets/${id}?tier=cold`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.tier, 'cold');
      assert.deepEqual(res.body.ticket, hot.get(id), `ticket ${id}: the same fields from both tiers`);
    }
  });

  it('says where a ticket is when it is not in the tier asked, as problem details', async () => {
    const groupId = await groupAtEnd(h.env, 'test-read-api-404');
    const customer = testCustomer();
    const [archived, hot] = (await insertTickets(h.stores.db, [
      { status: 'closed', ageSeconds: 50 * 86_400, customerId: customer },
      { status: 'in_progress', ageSeconds: 0 },
    ])) as [string, string];
    await archiveAll(h, [archived], customer, groupId);
    const hot404 = await problemOf(await fetch(`${api.base}/tickets/${archived}`), 404);
    assert.equal(hot404.type, PROBLEM_TYPES.ticketNotFound.type);
    assert.equal(hot404.instance, `/tickets/${archived}`);
    assert.equal(hot404.tier, 'cold');
    assert.match(String(hot404.archivedAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'archivedAt in ISO 8601');
    assert.match(hot404.detail, /archived at .*tier=cold/);
    const cold404 = await problemOf(await fetch(`${api.base}/tickets/${hot}?tier=cold`), 404);
    assert.equal(cold404.tier, 'hot');
    assert.match(cold404.detail, /is hot/);
    const nowhere = await problemOf(await fetch(`${api.base}/tickets/9223372036854775807`), 404);
    assert.equal(nowhere.tier, undefined);
    assert.equal(nowhere.type, PROBLEM_TYPES.ticketNotFound.type);
  });
});
