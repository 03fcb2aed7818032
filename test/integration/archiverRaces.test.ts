// Races with business traffic, redelivery, and several instances in one group.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Long } from 'mongodb';
import { createKafka } from '../../services/edges/kafka/client.ts';
import { moveTickets } from '../../services/core/move/moveTickets.ts';
import { directMoveDeps, directMover } from '../support/directMover.ts';
import { archiverHarness } from '../support/harness.ts';
import { archivedCount, coldDocs, hotIds, insertTickets, testCustomer } from '../support/tickets.ts';
import { groupAtEnd, groupLag, groupStarts } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';

const h = archiverHarness({ COLD_AFTER: '1h' });

let raceGroup = '';
let raceCustomer = 0;
let raceIds: string[] = [];

describe('archiver under races', () => {
  it('never deletes a ticket reopened mid-move, and leaves no copy of it that reads as archived', async () => {
    raceGroup = await groupAtEnd(h.env, 'test-race');
    // Slowed down so moves and reopens overlap for seconds.
    await h.archiver({ ARCHIVER_GROUP_ID: raceGroup, ARCHIVE_BATCH_SIZE: '20', MAX_MOVES_PER_SECOND: '80' });
    raceCustomer = testCustomer();
    raceIds = await insertTickets(
      h.stores.db,
      Array.from({ length: 400 }, () => ({
        status: 'closed' as const,
        ageSeconds: 2 * 3600,
        customerId: raceCustomer,
      })),
    );
    const contested = raceIds.slice(0, 200);
    const reopened = new Set<string>();
    const missed = new Set<string>();
    const until = Date.now() + 6000;
    while (Date.now() < until) {
      const id = contested[Math.floor(Math.random() * contested.length)] as string;
      if (reopened.has(id) || missed.has(id)) continue;
      const res = await h.stores.db.query(
        `UPDATE tickets SET status = 'in_progress', last_operated_at = now(), last_operator_id = 99 WHERE id = $1 AND status = 'closed'`,
        [id],
      );
      (res.rowCount === 1 ? reopened : missed).add(id);
      await sleep(15);
    }
    assert.ok(reopened.size > 20, `reopened ${reopened.size}`);
    const shouldBeArchived = raceIds.filter((id) => !reopened.has(id));
    await waitFor('the others archived', async () => (await hotIds(h.stores.db, shouldBeArchived)).size === 0, 120_000);
    await waitFor('events consumed', async () => (await groupLag(h.env, raceGroup)) === 0, 60_000);
    await sleep(2000);

    const hot = await hotIds(h.stores.db, [...reopened]);
    assert.deepEqual(
      [...reopened].filter((id) => !hot.has(id)),
      [],
      'no reopened ticket was deleted from hot',
    );
    const docs = await coldDocs(h.stores.cold, raceCustomer);
    assert.deepEqual(
      [...reopened].filter((id) => docs.has(id)),
      [],
      'no copy of a reopened ticket is left in the cold store',
    );
    assert.equal(
      await archivedCount(h.stores.cold, raceCustomer),
      shouldBeArchived.length,
      'every other ticket archived',
    );
    assert.equal(docs.size, shouldBeArchived.length, 'and nothing else is in the cold store');
  });

  it('keeps a ticket hot and removes its copy when it is reopened between the copy and the delete', async (t) => {
    // Deterministic form of the race: the business update lands exactly after the copy is written.
    const [id] = await insertTickets(h.stores.db, [{ status: 'closed', ageSeconds: 2 * 3600 }]);
    const { hot, coldStore } = await directMover(h.env, t);
    const cold = coldStore.forMoves('test-direct');
    const writeCopies = cold.writeCopies.bind(cold);
    cold.writeCopies = async (docs) => {
      const kept = await writeCopies(docs);
      const copies = await h.stores.cold.tickets.find({ _id: Long.fromString(id as string) }).toArray();
      assert.equal(copies.length, 1, 'copy written');
      assert.deepEqual(await h.stores.cold.archives(copies), [], 'and not an archive before its move commits');
      await h.stores.db.query(`UPDATE tickets SET status = 'in_progress', last_operated_at = now() WHERE id = $1`, [
        id,
      ]);
      return kept;
    };
    const outcomes = await moveTickets(directMoveDeps(hot, cold), [{ id: id as string }]);
    assert.deepEqual(
      outcomes.map((o) => o.outcome),
      ['changed'],
    );
    assert.equal((await hotIds(h.stores.db, [id as string])).size, 1, 'still hot');
    assert.equal(
      await h.stores.cold.tickets.countDocuments({ _id: Long.fromString(id as string) }),
      0,
      'stale copy removed',
    );
  });

  it('copies again, in the new shape, when a column is added between the copy and the delete', async (t) => {
    // ADD COLUMN with a default changes no row's version: only the shape check keeps the copy from lacking the column.
    const [id] = await insertTickets(h.stores.db, [{ status: 'closed', ageSeconds: 2 * 3600 }]);
    const { hot, coldStore } = await directMover(h.env, t);
    const cold = coldStore.forMoves('test-direct');
    const writeCopies = cold.writeCopies.bind(cold);
    let copies = 0;
    cold.writeCopies = async (docs) => {
      const kept = await writeCopies(docs);
      if (++copies === 1)
        await h.stores.db.query(
          `ALTER TABLE public.tickets ADD COLUMN IF NOT EXISTS race_test_priority text NOT NULL DEFAULT 'normal'`,
        );
      return kept;
    };
    try {
      const outcomes = await moveTickets(directMoveDeps(hot, cold), [{ id: id as string }]);
      assert.deepEqual(
        outcomes.map((o) => o.outcome),
        ['archived'],
      );
      assert.equal(copies, 2, 'copied once before the ALTER and once after');
      const doc = await h.stores.cold.tickets.findOne({ _id: Long.fromString(id as string) });
      assert.equal(doc?.row.race_test_priority, 'normal', 'the archive carries the added column');
      assert.equal(doc?.archive.columns.race_test_priority, 'text');
    } finally {
      await h.stores.db.query('ALTER TABLE public.tickets DROP COLUMN IF EXISTS race_test_priority');
    }
  });

  // The group is rewound to the earliest offset it ever had. The topic's own beginning holds the history of every
  // other test on this stack, which would only make the run longer, not the check stronger.
  it('changes nothing and duplicates nothing when the group is rewound to its earliest offset', async () => {
    assert.ok(raceGroup, 'runs after the race test');
    const snapshot = async () =>
      (await h.stores.cold.tickets.find({ 'fields.customer_id': Long.fromNumber(raceCustomer) }).toArray()).sort(
        (a, b) => Number(a._id) - Number(b._id),
      );
    const before = await snapshot();
    assert.ok(before.length > 100);
    const hotBefore = await hotIds(h.stores.db, raceIds);
    const ledger = () =>
      h.stores.db
        .query<Record<string, unknown>>(
          'SELECT * FROM ticket_archiver.ledger WHERE ticket_key = ANY($1::text[]) ORDER BY ticket_key::bigint',
          [raceIds],
        )
        .then((r) => r.rows);
    const ledgerBefore = await ledger();
    const admin = createKafka({
      brokers: h.env.KAFKA_BROKERS.split(','),
      clientId: 'test-rewind',
      quiet: true,
    }).admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: raceGroup,
      topic: h.env.TICKETS_TOPIC,
      partitions: groupStarts.get(raceGroup) ?? [],
    });
    await admin.disconnect();
    assert.ok((await groupLag(h.env, raceGroup)) > raceIds.length, 'rewound');

    await h.archiver({ ARCHIVER_GROUP_ID: raceGroup });
    await waitFor('everything consumed again', async () => (await groupLag(h.env, raceGroup)) === 0, 240_000, 1000);
    await sleep(2000);
    const after = await snapshot();
    assert.deepEqual(after, before, 'cold documents unchanged, none added');
    assert.deepEqual(await hotIds(h.stores.db, raceIds), hotBefore, 'hot rows unchanged');
    // The ledger entry of a ticket is rewritten on every delete: unchanged means none of them was moved again.
    assert.deepEqual(await ledger(), ledgerBefore, 'no ticket moved again');
  });

  it('shares the partitions between two instances and moves every cold ticket exactly once', async () => {
    const groupId = await groupAtEnd(h.env, 'test-two');
    const a = await h.archiver({ ARCHIVER_GROUP_ID: groupId });
    const b = await h.archiver({ ARCHIVER_GROUP_ID: groupId });
    await waitFor(
      'both instances own partitions',
      async () =>
        (await a.metric('ticket_archiver_assigned_partitions')) > 0 &&
        (await b.metric('ticket_archiver_assigned_partitions')) > 0,
      60_000,
    );
    assert.equal(
      (await a.metric('ticket_archiver_assigned_partitions')) + (await b.metric('ticket_archiver_assigned_partitions')),
      6,
    );
    const customer = testCustomer();
    const ids = await insertTickets(
      h.stores.db,
      Array.from({ length: 3000 }, (_, i) => ({
        status: 'closed' as const,
        ageSeconds: 2 * 3600 + i,
        customerId: customer,
      })),
    );
    await waitFor('all moved', async () => (await hotIds(h.stores.db, ids)).size === 0, 180_000, 500);
    await waitFor('events consumed', async () => (await groupLag(h.env, groupId)) === 0, 60_000);
    assert.equal(await archivedCount(h.stores.cold, customer), ids.length);
    const movedA = await a.metric('ticket_archiver_moves_total', { outcome: 'archived' });
    const movedB = await b.metric('ticket_archiver_moves_total', { outcome: 'archived' });
    assert.ok(movedA > 0 && movedB > 0, `both moved (${movedA}, ${movedB})`);
    assert.equal(movedA + movedB, ids.length, 'each ticket moved exactly once');
  });
});
