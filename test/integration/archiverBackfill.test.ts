// Backfill: tickets that existed before the archiver first started reach it as snapshot reads (an incremental
// snapshot started through the signal table, which locks nothing) and end in the correct tier.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Long } from 'mongodb';
import { signalBackfill } from '../support/debeziumSignal.ts';
import { archiverHarness } from '../support/harness.ts';
import { archivedCount } from '../support/tickets.ts';
import { groupAtEnd, groupLag, topicSettled } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';

const h = archiverHarness();

describe('backfill', () => {
  it('moves 50,000 pre-existing tickets to their correct tier from an incremental snapshot', async () => {
    const marker = Math.floor(Math.random() * 1e9);
    // A realistic mix, a third or more of it cold (closed more than an hour ago with COLD_AFTER=1h).
    const { rows } = await h.stores.db.query<{ first: string; last: string }>(
      `WITH ins AS (
         INSERT INTO public.tickets (customer_id, status, subject, body, created_at, last_operated_at, last_operator_id, last_operator_group_id)
         SELECT $1, (ARRAY['unassigned','in_progress','closed','closed','closed'])[1 + g % 5], 'backfill ' || g,
                repeat('历史工单 history 📦 ', 1 + g % 40), now() - interval '90 days',
                CASE WHEN g % 5 = 2 THEN now() - interval '10 minutes' ELSE now() - (interval '2 hours' + g * interval '1 minute') END,
                g % 500, g % 40
           FROM generate_series(1, 50000) g
         RETURNING id)
       SELECT min(id)::text AS first, max(id)::text AS last FROM ins`,
      [marker],
    );
    const first = rows[0]?.first as string;
    const last = rows[0]?.last as string;
    const expected = await h.stores.db.query<{ cold: string; hot: string }>(
      `SELECT count(*) FILTER (WHERE status = 'closed' AND last_operated_at < now() - interval '1 hour')::text AS cold,
              count(*) FILTER (WHERE NOT (status = 'closed' AND last_operated_at < now() - interval '1 hour'))::text AS hot
         FROM tickets WHERE customer_id = $1`,
      [marker],
    );
    const coldCount = Number(expected.rows[0]?.cold);
    const hotCount = Number(expected.rows[0]?.hot);
    assert.ok(coldCount >= 50000 / 3, `cold share ${coldCount}`);

    // The archiver must learn of these rows from the snapshot alone: its group starts after their insert events.
    await topicSettled(h.env);
    const groupId = await groupAtEnd(h.env, 'test-backfill');
    await signalBackfill(h.env, `id BETWEEN ${first} AND ${last}`);

    const a = await h.archiver({ ARCHIVER_GROUP_ID: groupId, COLD_AFTER: '1h', ARCHIVE_BATCH_SIZE: '1000' });
    await waitFor(
      'the cold ones gone from hot',
      async () => {
        const r = await h.stores.db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM tickets WHERE customer_id = $1 AND status = 'closed' AND last_operated_at < now() - interval '1 hour'`,
          [marker],
        );
        return r.rows[0]?.n === '0';
      },
      600_000,
      2000,
    );
    await waitFor('events consumed', async () => (await groupLag(h.env, groupId)) === 0, 120_000, 1000);

    const hotLeft = await h.stores.db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM tickets WHERE customer_id = $1',
      [marker],
    );
    assert.equal(Number(hotLeft.rows[0]?.n), hotCount, 'every hot ticket is still hot');
    const archived = await archivedCount(h.stores.cold, marker);
    assert.equal(archived, coldCount, 'every cold ticket archived once');
    assert.equal(
      await h.stores.cold.tickets.countDocuments({ 'fields.customer_id': Long.fromNumber(marker) }),
      archived,
      'and no copy that is not an archive',
    );
    assert.ok(
      (await a.metric('ticket_archiver_events_total', { kind: 'snapshot-read' })) >= 50000,
      'learned of them through snapshot reads',
    );
  });
});
