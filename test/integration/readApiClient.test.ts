// The read API served to TypeScript callers through the typed client (services/client/), on the real stack: its
// answers and its problem details typed as the OpenAPI document says.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTicketsClient } from '../../services/client/ticketsClient.ts';
import { archiverHarness } from '../support/harness.ts';
import { TOKEN, startServe, type Serve } from '../support/readApi.ts';
import { insertTickets, testCustomer } from '../support/tickets.ts';

const h = archiverHarness();
let api: Serve;

describe('read API: typed client', () => {
  before(async () => {
    // The harness's before runs first (registered first): the stack is up.
    api = await startServe(h);
  });
  after(async () => {
    await api?.stop();
  });

  it('is served to TypeScript callers through the typed client', async () => {
    const customer = testCustomer();
    const [id] = (await insertTickets(h.stores.db, [
      { status: 'in_progress', ageSeconds: 60, customerId: customer },
    ])) as [string];
    const client = createTicketsClient(api.base);
    const one = await client.GET('/tickets/{id}', { params: { path: { id } } });
    assert.equal(one.data?.ticket.id, id);
    assert.equal(one.data?.tier, 'hot');
    const page = await client.GET('/lists/customer/{value}/tickets', {
      params: { path: { value: String(customer) }, query: { limit: 10 } },
    });
    assert.deepEqual(
      page.data?.tickets.map((t) => t.id),
      [id],
    );
    const cold = await client.GET('/tickets/{id}', { params: { path: { id }, query: { tier: 'cold' } } });
    assert.equal(cold.response.status, 404);
    assert.equal(cold.error?.tier, 'hot');
    assert.equal(cold.error?.instance, `/tickets/${id}`);
    const refused = await client.POST('/tickets/{id}/restore', { params: { path: { id } }, body: { holdFor: '1h' } });
    assert.equal(refused.response.status, 401);
    assert.equal(refused.error?.status, 401);
    const conflict = await createTicketsClient(api.base, TOKEN).POST('/tickets/{id}/restore', {
      params: { path: { id } },
      body: { holdFor: '1h' },
    });
    assert.equal(conflict.response.status, 409, 'a hot ticket cannot be restored');
    assert.match(conflict.error?.detail ?? '', /no copy in the cold store|is in the hot table/);
  });
});
