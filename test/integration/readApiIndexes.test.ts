// The read API's lists on the real stack use the indexes made for them: each of the default spec's hot lists a range
// scan of the demo table's index in the list's order (business code's indexes; the closed list the index of cold
// candidates migrate builds), each cold list the index the product creates on the typed fields alone (its hint),
// never a scan.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLOSED, type ListQuery } from '../../services/core/read/listing.ts';
import { keyCodec } from '../../services/edges/coldStore/documents.ts';
import { coldListQuery } from '../../services/edges/coldStore/index.ts';
import { hotListQuery, openReaderHotStore } from '../../services/edges/hotStore/index.ts';
import { CANDIDATE_INDEX } from '../../services/edges/hotStore/tableSql.ts';
import { coldQuery } from '../../services/readApi/tickets.ts';
import { archiverHarness } from '../support/harness.ts';
import { defaultSpec } from '../support/specs.ts';
import { rawColdStore } from '../support/stores.ts';

const h = archiverHarness();

const closed: ListQuery = {
  list: CLOSED,
  tier: 'hot',
  filter: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
  limit: 50,
};
const list = (name: string, value: string, tier: 'hot' | 'cold'): ListQuery => ({
  list: name,
  tier,
  filter: { value },
  limit: 50,
});

describe('read API: list indexes', () => {
  it('lists the hot tier on the indexes the table has for each list', async () => {
    const lists: Array<[ListQuery, string]> = [
      [list('operator', '7', 'hot'), 'tickets_operator_recent_idx'],
      [list('operatorGroup', '3', 'hot'), 'tickets_operator_group_recent_idx'],
      [list('customer', '4242', 'hot'), 'tickets_customer_idx'],
      [closed, CANDIDATE_INDEX],
    ];
    const reader = await openReaderHotStore(
      { databaseUrl: h.env.DATABASE_URL, applicationName: 'test-indexes', poolSize: 1 },
      defaultSpec,
    );
    try {
      for (const [q, index] of lists) {
        for (const after of [undefined, { at: '2026-01-15T00:00:00.000000Z AD', id: '100' }]) {
          const { text, values } = hotListQuery(reader.table, { ...q, ...(after ? { after } : {}) });
          const db = await h.stores.db.connect();
          try {
            await db.query('BEGIN');
            // A small test table makes any plan cheap: rule out the scan of the table and a sort of everything
            // matched, so the plan shows whether the index's order serves the list (ties by key sorted incrementally).
            await db.query('SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off');
            const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values)).rows
              .map((r) => r['QUERY PLAN'])
              .join('\n');
            const at = `${q.list}${after ? ' after a cursor' : ''}`;
            assert.match(plan, new RegExp(`Index Scan( Backward)? using ${index} `), `${at}:\n${plan}`);
            assert.doesNotMatch(plan, /(^|->\s+)Sort\s+\(/m, `${at}: no full sort:\n${plan}`);
          } finally {
            await db.query('ROLLBACK');
            db.release();
          }
        }
      }
    } finally {
      await reader.close();
    }
  });

  it('lists the cold tier through the indexes the product creates on the typed fields, never a scan of the collection', async () => {
    const lists: Array<[ListQuery, string]> = [
      [list('operator', '7', 'cold'), 'list_operator'],
      [list('operatorGroup', '3', 'cold'), 'list_operatorGroup'],
      [list('customer', '4242', 'cold'), 'list_customer'],
      [{ ...closed, tier: 'cold' }, 'list_activity'],
    ];
    const keys = keyCodec(defaultSpec.key.type);
    const store = await rawColdStore(h.env.MONGODB_URL);
    try {
      for (const [q, index] of lists) {
        for (const after of [undefined, { at: '2026-01-15T00:00:00.000Z', id: '100' }]) {
          const { filter, sort, hint } = coldListQuery(
            coldQuery(defaultSpec, { ...q, ...(after ? { after } : {}) }),
            keys,
          );
          const plan = JSON.stringify(
            await store.tickets
              .find(filter as never, { hint })
              .sort(sort)
              .limit(q.limit + 1)
              .explain(),
          );
          const used = [...plan.matchAll(/"(?:indexName|Index Name)":"([^"]+)"/g)].map((m) => m[1] as string);
          const at = `${q.list}${after ? ' after a cursor' : ''}`;
          assert.ok(used.includes(index), `${at}: indexes ${used.join(', ')}`);
          // The index of the copies' state holds every archive: intersecting it with the list's costs a scan of it.
          assert.ok(!used.includes('archive_state'), `${at}: the list's index alone, not ${used.join(', ')}`);
          assert.ok(!plan.includes('Seq Scan'), `${at}: no scan of the collection`);
        }
      }
    } finally {
      await store.close();
    }
  });
});
