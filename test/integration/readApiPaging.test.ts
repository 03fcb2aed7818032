// The read API's paging on the real stack: a customer's tickets, each exactly once and in order, from either tier,
// also while the archiver moves tickets between two pages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { groupAtEnd, startArchiverProcess, waitFor } from '../support/archiverProcess.ts';
import { archiverHarness } from '../support/harness.ts';
import { allPages, assertNewestFirst, startServe, type Json, type Serve } from '../support/readApi.ts';
import { archivedCount, hotIds, insertTickets, testCustomer } from '../support/tickets.ts';

const h = archiverHarness();
let api: Serve;

describe('read API: paging', () => {
  before(async () => {
    // The harness's before runs first (registered first): the stack is up.
    api = await startServe(h);
  });
  after(async () => {
    await api?.stop();
  });

  it("pages through a customer's 1,000 cold tickets and its hot ones each exactly once, in order, also while tickets move", async () => {
    const groupId = await groupAtEnd(h.env, 'test-read-api-pages');
    const customer = testCustomer();
    const coldIds = await insertTickets(
      h.stores.db,
      Array.from({ length: 1000 }, (_, i) => ({
        status: 'closed' as const,
        ageSeconds: 40 * 86_400 + i * 7,
        customerId: customer,
      })),
    );
    const hotOnes = await insertTickets(
      h.stores.db,
      Array.from({ length: 300 }, (_, i) => ({
        status: 'in_progress' as const,
        ageSeconds: i * 5,
        customerId: customer,
      })),
    );

    const before = await allPages(api, `/lists/customer/${customer}/tickets`, 97);
    assert.equal(before.length, 1300);
    assert.equal(new Set(before.map((t) => t.id)).size, 1300, 'each once');
    assertNewestFirst(before, false);

    // The archiver moves the cold ones while a second listing pages slowly through the hot tier.
    const mover = startArchiverProcess(h.env, { ARCHIVER_GROUP_ID: groupId, COLD_AFTER: '30d' });
    let during: Json[];
    try {
      during = await allPages(api, `/lists/customer/${customer}/tickets`, 50, () => sleep(150));
      await waitFor(
        'every cold ticket gone from hot',
        async () => (await hotIds(h.stores.db, coldIds)).size === 0,
        180_000,
      );
      await waitFor(
        'every copy archived',
        async () => (await archivedCount(h.stores.cold, customer)) === coldIds.length,
        60_000,
      );
    } finally {
      await mover.stop();
    }
    assert.equal(new Set(during.map((t) => t.id)).size, during.length, 'no ticket twice within the hot listing');
    assertNewestFirst(during, false);
    const seen = new Set(during.map((t) => String(t.id)));
    assert.deepEqual(
      hotOnes.filter((id) => !seen.has(id)),
      [],
      'every ticket that stayed hot is listed',
    );

    const cold = await allPages(api, `/lists/customer/${customer}/tickets?tier=cold`, 100);
    assert.equal(cold.length, 1000);
    assert.deepEqual(
      new Set(cold.map((t) => String(t.id))),
      new Set(coldIds),
      'exactly the archived tickets, each once',
    );
    assertNewestFirst(cold, true);
    const hotAfter = await allPages(api, `/lists/customer/${customer}/tickets`, 100);
    assert.deepEqual(new Set(hotAfter.map((t) => String(t.id))), new Set(hotOnes));
  });
});
