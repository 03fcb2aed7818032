// The read API's lists on the real stack use the indexes made for them: each hot list a range scan of its index in
// the list's order, each cold list the index the product creates on the typed fields, never a scan of the collection.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ListQuery } from '../../services/core/read/listing.ts';
import { coldListQuery } from '../../services/edges/coldStore/index.ts';
import { hotListQuery } from '../../services/edges/hotStore/index.ts';
import { archiverHarness } from '../support/harness.ts';
import { rawColdStore } from '../support/stores.ts';

const h = archiverHarness();

describe('read API: list indexes', () => {
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
