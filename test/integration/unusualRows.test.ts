// Rows nobody planned for, on the real stack, in one chunk: ids and other bigints at the ends of their range,
// timestamps at -infinity, in BC and in the year 294276, one never-cold 'infinity', and one row larger than the cold
// store's document limit. Each cold one is archived as an exact copy, except the oversize row, which becomes a
// permanent stuck deletion naming the limit; the partition goes on: everything committed, nothing left pending.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Long } from 'mongodb';
import { archiverHarness } from '../support/harness.ts';
import { hotIds, rowsAsText, testCustomer } from '../support/tickets.ts';
import { groupAtEnd } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';

const h = archiverHarness();
const INT64_MAX = 2n ** 63n - 1n;
const OVERSIZE = 17 * 1024 * 1024;

describe('unusual rows', () => {
  it('archives every legal extreme exactly, refuses only the oversize row, and the partition goes on', async () => {
    const groupId = await groupAtEnd(h.env, 'test-unusual');
    const customer = testCustomer();
    // Near the top of the bigint range (beyond 2^53), different on every run.
    const base = INT64_MAX - 100n - BigInt(Math.floor(Math.random() * 1e12));
    const id = (n: number) => (base + BigInt(n)).toString();
    const rows = [
      {
        id: id(0),
        last: '-infinity',
        created: '0044-03-15 12:00:00+00 BC',
        body: 'since before time',
        customer: '-9223372036854775808',
      },
      {
        id: id(1),
        last: "now() - interval '2 hours'",
        created: '294276-12-31 23:59:59.999999+00',
        body: 'from the far future',
        customer: String(customer),
      },
      { id: id(2), last: 'infinity', created: 'now()', body: 'never cold', customer: String(customer) },
      { id: id(3), last: "now() - interval '2 hours'", created: 'now()', body: null, customer: String(customer) },
      {
        id: id(4),
        last: "now() - interval '2 hours'",
        created: 'now()',
        body: '最后一个 😀',
        customer: String(customer),
      },
    ];
    const [ancient, future, never, oversize, plain] = rows.map((r) => r.id) as [string, string, string, string, string];
    try {
      for (const r of rows) {
        const last = r.last.startsWith('now()') ? r.last : `'${r.last}'::timestamptz`;
        const created = r.created === 'now()' ? 'now()' : `'${r.created}'::timestamptz`;
        await h.stores.db.query(
          `INSERT INTO public.tickets (id, customer_id, status, subject, body, created_at, last_operated_at, last_operator_id, last_operator_group_id)
           VALUES ($1, $2, 'closed', 'unusual', ${r.id === oversize ? `repeat(md5(random()::text), ${OVERSIZE / 32})` : '$3'}, ${created}, ${last}, 9223372036854775807, -1)`,
          r.id === oversize ? [r.id, r.customer] : [r.id, r.customer, r.body],
        );
      }
      const before = await rowsAsText(h.stores.textDb, [ancient, future, plain]);
      const a = await h.archiver({ ARCHIVER_GROUP_ID: groupId, COLD_AFTER: '1h' });

      await waitFor(
        'the cold ones archived',
        async () => (await hotIds(h.stores.db, [ancient, future, plain])).size === 0,
        90_000,
      );
      const record = await waitFor(
        'the oversize row recorded as stuck',
        () => h.stores.cold.stuck.findOne({ _id: Long.fromString(oversize) }).then((s) => s ?? undefined),
        60_000,
      );
      assert.equal(record.code, 'COLD_REFUSED');
      assert.equal(record.failureClass, 'permanent');
      assert.match(record.reason, /above the cold store's \d+-byte document limit/);
      assert.deepEqual(
        [...(await hotIds(h.stores.db, [never, oversize]))].sort(),
        [never, oversize].sort(),
        'the never-cold and the refused stay hot',
      );
      assert.equal(
        await h.stores.cold.tickets.countDocuments({ _id: Long.fromString(oversize) }),
        0,
        'no copy of the refused row',
      );

      const docs = await h.stores.cold.tickets
        .find({ _id: { $in: [ancient, future, plain].map((x) => Long.fromString(x)) } })
        .toArray();
      const byId = new Map(docs.map((d) => [d._id.toString(), d]));
      for (const x of [ancient, future, plain]) {
        const doc = byId.get(x);
        assert.ok(doc, `a cold document for ${x}`);
        assert.deepEqual(doc.row, before.get(x), `ticket ${x}: every column exact`);
        assert.deepEqual(await h.stores.cold.archives([doc]), [doc], `ticket ${x}: an archive`);
      }
      const typed = (x: string) => byId.get(x)?.fields;
      const archive = (x: string) => byId.get(x)?.archive;
      assert.equal(typed(ancient)?.customer_id?.toString(), '-9223372036854775808');
      assert.equal(typed(ancient)?.last_operator_id?.toString(), '9223372036854775807');
      assert.equal(typed(ancient)?.last_operated_at, null, '-infinity is not a date');
      assert.equal(
        (typed(ancient)?.created_at as Date | undefined)?.toISOString(),
        '-000043-03-15T12:00:00.000Z',
        '44 BC is',
      );
      assert.deepEqual(archive(ancient)?.untyped, ['last_operated_at']);
      assert.equal(typed(future)?.created_at, null, 'beyond the range of a date');
      assert.deepEqual(archive(future)?.untyped, ['created_at']);
      assert.equal(archive(plain)?.untyped, undefined);

      // The partition went on: every event committed, nothing in hand aging.
      await waitFor(
        'lag 0 and nothing pending',
        async () =>
          (await a.metric('ticket_archiver_consumer_lag')) === 0 &&
          (await a.metric('ticket_archiver_oldest_pending_event_age_seconds')) === 0,
        30_000,
      );
      assert.equal(await a.metric('ticket_archiver_dead_lettered_total'), 0, 'nothing valid dead-lettered');
    } finally {
      await h.stores.db.query('DELETE FROM public.tickets WHERE id = ANY($1::bigint[])', [[never, oversize]]);
      await h.stores.cold.stuck.deleteOne({ _id: Long.fromString(oversize) });
    }
  });
});
