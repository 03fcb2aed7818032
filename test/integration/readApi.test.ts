// The read API (`ticket-archiver serve`) on the real stack: the same JSON for a ticket from either tier, paging that
// holds under concurrent moves, 404s that say where a ticket is, 400s that name the parameter, restore behind a
// token, and hot lists that use their indexes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleTicket, seededRandom } from '../../infra/local/demo/sampleTickets.ts';
import { insertTickets as insertSamples } from '../../infra/local/demo/insertTickets.ts';
import { hotListQuery } from '../../services/edges/hotStore/index.ts';
import { coldListQuery } from '../../services/edges/coldStore/index.ts';
import type { ListQuery } from '../../services/core/read/listing.ts';
import {
  groupAtEnd,
  startArchiverProcess,
  waitFor,
  waitReady,
  type ArchiverProcess,
} from '../support/archiverProcess.ts';
import { archiverHarness } from '../support/harness.ts';
import { rawColdStore } from '../support/stores.ts';
import { archivedCount, hotIds, insertTickets, testCustomer } from '../support/tickets.ts';
import { createTicketsClient } from '../../services/client/ticketsClient.ts';

const h = archiverHarness();
const TOKEN = 'test-token-0123456789abcdef';
let api: ArchiverProcess;
let base: string;

interface Json {
  [k: string]: unknown;
}
async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Json };
}

/** Every page of a list, following nextCursor; `between` runs after each page. */
async function allPages(
  path: string,
  limit: number,
  between: () => Promise<unknown> = () => Promise.resolve(),
): Promise<Json[]> {
  const tickets: Json[] = [];
  for (let cursor: string | null = null, pages = 0; ; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    tickets.push(...(res.body.tickets as Json[]));
    cursor = res.body.nextCursor as string | null;
    if (!cursor) return tickets;
    assert.ok(pages < 10_000);
    await between();
  }
}

/** Descending by (created_at, id), as a customer's list sorts; at millisecond precision for the cold tier. */
function assertNewestFirst(tickets: Json[], ms: boolean): void {
  const key = (t: Json) =>
    [ms ? Date.parse(String(t.created_at)) : String(t.created_at), BigInt(String(t.id))] as const;
  for (let i = 1; i < tickets.length; i++) {
    const [a, ai] = key(tickets[i - 1] as Json);
    const [b, bi] = key(tickets[i] as Json);
    assert.ok(a > b || (a === b && ai > bi), `order at ${i}: ${String(a)}/${ai} then ${String(b)}/${bi}`);
  }
}

async function archiveAll(ids: string[], customer: number, groupId: string): Promise<void> {
  const a = startArchiverProcess(h.env, { ARCHIVER_GROUP_ID: groupId, COLD_AFTER: '30d' });
  try {
    await waitReady(a, 120_000);
    await waitFor('every cold ticket gone from hot', async () => (await hotIds(h.stores.db, ids)).size === 0, 180_000);
    await waitFor(
      'every copy archived',
      async () => (await archivedCount(h.stores.cold, customer)) >= ids.length,
      60_000,
    );
  } finally {
    await a.stop();
  }
}

describe('read API', () => {
  before(async () => {
    // The harness's before runs first (registered first): the stack is up.
    api = startArchiverProcess(h.env, { API_TOKEN: TOKEN, COLD_AFTER: '30d' }, [], ['serve']);
    await waitReady(api, 120_000);
    base = `http://127.0.0.1:${await api.port()}`;
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
      const res = await get(`/tickets/${id}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.tier, 'hot');
      hot.set(id, res.body.ticket as Json);
    }
    const sample = hot.get(ids[0] as string) as Json;
    assert.deepEqual(sample.api_note, { n: 1.5, tags: ['a', null] }, 'jsonb as JSON');
    assert.equal(sample.api_amount, '12.3400', 'numeric as exact text');
    assert.equal(typeof sample.id, 'string');
    assert.match(String(sample.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'timestamps with microseconds');

    await archiveAll(ids, customer, groupId);
    for (const id of ids) {
      const res = await get(`/tickets/${id}?tier=cold`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.tier, 'cold');
      assert.deepEqual(res.body.ticket, hot.get(id), `ticket ${id}: the same fields from both tiers`);
    }
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

    const before = await allPages(`/customers/${customer}/tickets`, 97);
    assert.equal(before.length, 1300);
    assert.equal(new Set(before.map((t) => t.id)).size, 1300, 'each once');
    assertNewestFirst(before, false);

    // The archiver moves the cold ones while a second listing pages slowly through the hot tier.
    const mover = startArchiverProcess(h.env, { ARCHIVER_GROUP_ID: groupId, COLD_AFTER: '30d' });
    let during: Json[];
    try {
      during = await allPages(`/customers/${customer}/tickets`, 50, () => sleep(150));
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

    const cold = await allPages(`/customers/${customer}/tickets?tier=cold`, 100);
    assert.equal(cold.length, 1000);
    assert.deepEqual(
      new Set(cold.map((t) => String(t.id))),
      new Set(coldIds),
      'exactly the archived tickets, each once',
    );
    assertNewestFirst(cold, true);
    const hotAfter = await allPages(`/customers/${customer}/tickets`, 100);
    assert.deepEqual(new Set(hotAfter.map((t) => String(t.id))), new Set(hotOnes));
  });

  it('says where a ticket is when it is not in the tier asked', async () => {
    const groupId = await groupAtEnd(h.env, 'test-read-api-404');
    const customer = testCustomer();
    const [archived, hot] = (await insertTickets(h.stores.db, [
      { status: 'closed', ageSeconds: 50 * 86_400, customerId: customer },
      { status: 'in_progress', ageSeconds: 0 },
    ])) as [string, string];
    await archiveAll([archived], customer, groupId);
    const hot404 = await get(`/tickets/${archived}`);
    assert.equal(hot404.status, 404);
    assert.equal(hot404.body.tier, 'cold');
    assert.match(String(hot404.body.message), /archived at .*tier=cold/);
    const cold404 = await get(`/tickets/${hot}?tier=cold`);
    assert.equal(cold404.status, 404);
    assert.equal(cold404.body.tier, 'hot');
    assert.match(String(cold404.body.message), /is hot/);
    const nowhere = await get('/tickets/9223372036854775807');
    assert.equal(nowhere.status, 404);
    assert.equal(nowhere.body.tier, undefined);
  });

  it('answers bad parameters with 400 naming the parameter, and one tier per request', async () => {
    const customer = testCustomer();
    const page = await get(`/customers/${customer}/tickets?limit=1`);
    const cases: Array<[string, string]> = [
      ['/tickets/abc', 'id'],
      ['/tickets/99999999999999999999', 'id'],
      ['/tickets/1?tier=warm', 'tier'],
      ['/tickets/1?tier=hot&tier=cold', 'tier'],
      [`/customers/${customer}/tickets?limit=501`, 'limit'],
      [`/customers/${customer}/tickets?limit=0`, 'limit'],
      [`/customers/${customer}/tickets?cursor=not-a-cursor`, 'cursor'],
      ['/customers/x/tickets', 'customerId'],
      ['/tickets/unassigned?tier=cold', 'tier'],
      ['/operators/7/tickets?tier=cold&status=in_progress', 'status'],
      ['/tickets/closed', 'from'],
      ['/tickets/closed?from=yesterday', 'from'],
    ];
    assert.equal(page.status, 200);
    for (const [path, parameter] of cases) {
      const res = await get(path);
      assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.parameter, parameter, `${path}: ${JSON.stringify(res.body)}`);
      assert.match(String(res.body.message), new RegExp(`^${parameter}: `));
    }
  });

  it('restores through the API only with the token, and the ticket is hot again, equal to its archived row', async () => {
    const groupId = await groupAtEnd(h.env, 'test-read-api-restore');
    const customer = testCustomer();
    const [id] = (await insertTickets(h.stores.db, [
      { status: 'closed', ageSeconds: 60 * 86_400, customerId: customer },
    ])) as [string];
    await archiveAll([id], customer, groupId);
    const archived = await get(`/tickets/${id}?tier=cold`);
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/tickets/${id}/restore`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ holdFor: '2h' }),
      });
    assert.equal((await post({})).status, 401);
    assert.equal((await post({ authorization: 'Bearer wrong-token-0123456789' })).status, 401);
    const ok = await post({ authorization: `Bearer ${TOKEN}` });
    assert.equal(ok.status, 200, await ok.clone().text());
    const hot = await get(`/tickets/${id}`);
    assert.equal(hot.status, 200);
    assert.deepEqual(hot.body.ticket, archived.body.ticket);
    assert.equal((await get(`/tickets/${id}?tier=cold`)).status, 404);
  });

  it('serves its OpenAPI document, health, readiness and metrics on the same port', async () => {
    const doc = await get('/openapi.json');
    assert.equal(doc.status, 200);
    const paths = Object.keys(doc.body.paths as Json);
    for (const p of [
      '/tickets/{id}',
      '/tickets/{id}/restore',
      '/tickets/unassigned',
      '/operators/{operatorId}/tickets',
      '/operator-groups/{groupId}/tickets',
      '/customers/{customerId}/tickets',
      '/tickets/closed',
    ]) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    assert.equal((await get('/tickets/9223372036854775806?tier=cold')).status, 404);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /ticket_archiver_read_api_request_duration_seconds_bucket\{[^}]*route="\/tickets\/:id"/);
  });

  it('is served to TypeScript callers through the typed client', async () => {
    const customer = testCustomer();
    const [id] = (await insertTickets(h.stores.db, [
      { status: 'in_progress', ageSeconds: 60, customerId: customer },
    ])) as [string];
    const client = createTicketsClient(base);
    const one = await client.GET('/tickets/{id}', { params: { path: { id } } });
    assert.equal(one.data?.ticket.id, id);
    assert.equal(one.data?.tier, 'hot');
    const page = await client.GET('/customers/{customerId}/tickets', {
      params: { path: { customerId: String(customer) }, query: { limit: 10 } },
    });
    assert.deepEqual(
      page.data?.tickets.map((t) => t.id),
      [id],
    );
    const cold = await client.GET('/tickets/{id}', { params: { path: { id }, query: { tier: 'cold' } } });
    assert.equal(cold.response.status, 404);
    assert.equal(cold.error?.tier, 'hot');
    const refused = await client.POST('/tickets/{id}/restore', { params: { path: { id } }, body: { holdFor: '1h' } });
    assert.equal(refused.response.status, 401);
    const conflict = await createTicketsClient(base, TOKEN).POST('/tickets/{id}/restore', {
      params: { path: { id } },
      body: { holdFor: '1h' },
    });
    assert.equal(conflict.response.status, 409, 'a hot ticket cannot be restored');
    assert.match(conflict.error?.message ?? '', /no copy in the cold store|is in the hot table/);
  });

  it('lists the hot tier on the indexes the schema has for each list', async () => {
    const lists: Array<[ListQuery, string]> = [
      [{ view: 'unassigned', tier: 'hot', filter: {}, limit: 50 }, 'tickets_unassigned_idx'],
      [
        { view: 'operator', tier: 'hot', filter: { ownerId: '7', status: 'in_progress' }, limit: 50 },
        'tickets_operator_idx',
      ],
      [
        { view: 'operatorGroup', tier: 'hot', filter: { ownerId: '3', status: 'in_progress' }, limit: 50 },
        'tickets_operator_group_idx',
      ],
      [{ view: 'customer', tier: 'hot', filter: { ownerId: '4242' }, limit: 50 }, 'tickets_customer_idx'],
      [
        {
          view: 'closed',
          tier: 'hot',
          filter: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
          limit: 50,
        },
        'tickets_closed_idx',
      ],
    ];
    for (const [q, index] of lists) {
      for (const after of [undefined, { at: '2026-01-15 00:00:00+00', id: '100' }]) {
        const { text, values } = hotListQuery({ ...q, ...(after ? { after } : {}) });
        const db = await h.stores.db.connect();
        try {
          await db.query('BEGIN');
          // A small test table makes any plan cheap: rule out the scan of the table and a sort of everything matched,
          // so the plan shows whether the index's order serves the list (ties by id sorted incrementally).
          await db.query('SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off');
          const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values)).rows
            .map((r) => r['QUERY PLAN'])
            .join('\n');
          assert.match(
            plan,
            new RegExp(`Index Scan( Backward)? using ${index} `),
            `${q.view}${after ? ' after a cursor' : ''}:\n${plan}`,
          );
          assert.doesNotMatch(plan, /(^|->\s+)Sort\s+\(/m, `${q.view}: no full sort:\n${plan}`);
        } finally {
          await db.query('ROLLBACK');
          db.release();
        }
      }
    }
  });

  it('lists the cold tier through the indexes the product creates on the typed fields, never a scan of the collection', async () => {
    const lists: Array<[ListQuery, RegExp]> = [
      [{ view: 'operator', tier: 'cold', filter: { ownerId: '7' }, limit: 50 }, /^read_operator$/],
      [{ view: 'operatorGroup', tier: 'cold', filter: { ownerId: '3' }, limit: 50 }, /^read_operator_group$/],
      // A customer's: either index that starts with customer_id serves it (DocumentDB's planner chooses).
      [
        { view: 'customer', tier: 'cold', filter: { ownerId: '4242' }, limit: 50 },
        /^(read_customer|customer_last_operated)$/,
      ],
      [
        {
          view: 'closed',
          tier: 'cold',
          filter: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
          limit: 50,
        },
        /^read_closed$/,
      ],
    ];
    const store = await rawColdStore(h.env.MONGODB_URL);
    try {
      for (const [q, index] of lists) {
        for (const after of [undefined, { at: '2026-01-15T00:00:00.000Z', id: '100' }]) {
          const { filter, sort } = coldListQuery({ ...q, ...(after ? { after } : {}) });
          const plan = JSON.stringify(
            await store.tickets
              .find(filter as never)
              .sort(sort)
              .limit(q.limit + 1)
              .explain(),
          );
          const used = [...plan.matchAll(/"(?:indexName|Index Name)":"([^"]+)"/g)].map((m) => m[1] as string);
          assert.ok(
            used.some((name) => index.test(name)),
            `${q.view}${after ? ' after a cursor' : ''}: indexes ${used.join(', ')}`,
          );
          assert.ok(!plan.includes('Seq Scan'), `${q.view}: no scan of the collection`);
        }
      }
    } finally {
      await store.close();
    }
  });
});
