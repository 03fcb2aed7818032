// Restoring through the read API on the real stack: only with the token, and the ticket is hot again, equal to its
// archived row.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROBLEM_TYPES } from '../../services/core/read/problem.ts';
import { groupAtEnd } from '../support/archiverProcess.ts';
import { archiverHarness } from '../support/harness.ts';
import { TOKEN, archiveAll, problemOf, startServe, type Serve } from '../support/readApi.ts';
import { insertTickets, testCustomer } from '../support/tickets.ts';

const h = archiverHarness();
let api: Serve;

describe('read API: restore', () => {
  before(async () => {
    // The harness's before runs first (registered first): the stack is up.
    api = await startServe(h);
  });
  after(async () => {
    await api?.stop();
  });

  it('restores through the API only with the token, and the ticket is hot again, equal to its archived row', async () => {
    const groupId = await groupAtEnd(h.env, 'test-read-api-restore');
    const customer = testCustomer();
    const [id] = (await insertTickets(h.stores.db, [
      { status: 'closed', ageSeconds: 60 * 86_400, customerId: customer },
    ])) as [string];
    await archiveAll(h, [id], customer, groupId);
    const archived = await api.get(`/tickets/${id}?tier=cold`);
    const post = (headers: Record<string, string>) =>
      fetch(`${api.base}/tickets/${id}/restore`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ holdFor: '2h' }),
      });
    for (const refused of [await post({}), await post({ authorization: 'Bearer wrong-token-0123456789' })]) {
      assert.equal(refused.headers.get('www-authenticate'), 'Bearer');
      assert.equal((await problemOf(refused, 401)).type, PROBLEM_TYPES.tokenRequired.type);
    }
    const ok = await post({ authorization: `Bearer ${TOKEN}` });
    assert.equal(ok.status, 200, await ok.clone().text());
    const hot = await api.get(`/tickets/${id}`);
    assert.equal(hot.status, 200);
    assert.deepEqual(hot.body.ticket, archived.body.ticket);
    assert.equal((await api.get(`/tickets/${id}?tier=cold`)).status, 404);
    const again = await problemOf(await post({ authorization: `Bearer ${TOKEN}` }), 409);
    assert.equal(again.type, PROBLEM_TYPES.restoreConflict.type, 'a ticket restored is hot: no second restore');
  });
});
