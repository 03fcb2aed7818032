// Races with business traffic, redelivery, and several instances in one group.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Long } from 'mongodb';
import type { StackEnv } from '../../infra/local/stack.ts';
import { createKafka } from '../../services/shared/kafka.ts';
import { COLD_DATABASE } from '../../services/shared/coldStore.ts';
import { createLogger } from '../../services/shared/logger.ts';
import { ColdTickets } from '../../services/shared/move/coldTickets.ts';
import { HotTickets } from '../../services/shared/move/hotTickets.ts';
import { moveTickets } from '../../services/shared/move/moveTickets.ts';
import { groupAtEnd, groupLag, groupStarts, startArchiverProcess, waitFor, waitReady, type ArchiverProcess } from '../support/archiverProcess.ts';
import { ensureStack } from '../support/stack.ts';
import { openStores, type Stores } from '../support/stores.ts';
import { archivedCount, coldDocs, hotIds, insertTickets, testCustomer } from '../support/tickets.ts';

let env: StackEnv;
let stores: Stores;
const running: ArchiverProcess[] = [];

before(async () => {
  env = await ensureStack();
  stores = await openStores(env);
});
afterEach(async () => {
  for (const a of running.splice(0)) await a.stop();
});
after(async () => {
  await stores?.close();
});

async function archiver(overrides: Record<string, string>): Promise<ArchiverProcess> {
  const a = startArchiverProcess(env, { COLD_AFTER: '1h', ...overrides });
  running.push(a);
  await waitReady(a);
  return a;
}

let raceGroup = '';
let raceCustomer = 0;
let raceIds: string[] = [];

describe('archiver under races', () => {
  it('never deletes a ticket reopened mid-move, and leaves no copy of it that reads as archived', async () => {
    raceGroup = await groupAtEnd(env, 'test-race');
    // Slowed down so moves and reopens overlap for seconds.
    await archiver({ ARCHIVER_GROUP_ID: raceGroup, ARCHIVE_BATCH_SIZE: '20', MAX_MOVES_PER_SECOND: '80' });
    raceCustomer = testCustomer();
    raceIds = await insertTickets(stores.db, Array.from({ length: 400 }, () => ({ status: 'closed' as const, ageSeconds: 2 * 3600, customerId: raceCustomer })));
    const contested = raceIds.slice(0, 200);
    const reopened = new Set<string>();
    const missed = new Set<string>();
    const until = Date.now() + 6000;
    while (Date.now() < until) {
      const id = contested[Math.floor(Math.random() * contested.length)] as string;
      if (reopened.has(id) || missed.has(id)) continue;
      const res = await stores.db.query(`UPDATE tickets SET status = 'in_progress', last_operated_at = now(), last_operator_id = 99 WHERE id = $1 AND status = 'closed'`, [id]);
      (res.rowCount === 1 ? reopened : missed).add(id);
      await sleep(15);
    }
    assert.ok(reopened.size > 20, `reopened ${reopened.size}`);
    const shouldBeArchived = raceIds.filter((id) => !reopened.has(id));
    await waitFor('the others archived', async () => (await hotIds(stores.db, shouldBeArchived)).size === 0, 120_000);
    await waitFor('events consumed', async () => (await groupLag(env, raceGroup)) === 0, 60_000);
    await sleep(2000);

    const hot = await hotIds(stores.db, [...reopened]);
    assert.deepEqual([...reopened].filter((id) => !hot.has(id)), [], 'no reopened ticket was deleted from hot');
    const docs = await coldDocs(stores.cold, raceCustomer);
    assert.deepEqual([...reopened].filter((id) => docs.has(id)), [], 'no copy of a reopened ticket is left in the cold store');
    assert.equal(await archivedCount(stores.cold, raceCustomer), shouldBeArchived.length, 'every other ticket archived');
    assert.equal(docs.size, shouldBeArchived.length, 'and nothing else is in the cold store');
  });

  it('keeps a ticket hot and removes its copy when it is reopened between the copy and the delete', async () => {
    // Deterministic form of the race: the business update lands exactly after the copy is written.
    const [id] = await insertTickets(stores.db, [{ status: 'closed', ageSeconds: 2 * 3600 }]);
    const hot = new HotTickets(stores.textDb, 3600_000);
    const cold = new ColdTickets(stores.coldStore.client.db(COLD_DATABASE), 'test-direct');
    const writeCopies = cold.writeCopies.bind(cold);
    cold.writeCopies = async (docs) => {
      const kept = await writeCopies(docs);
      assert.equal(await stores.cold.tickets.countDocuments({ _id: Long.fromString(id as string), 'archive.state': 'copied' }), 1, 'copy written');
      await stores.db.query(`UPDATE tickets SET status = 'in_progress', last_operated_at = now() WHERE id = $1`, [id]);
      return kept;
    };
    const outcomes = await moveTickets(
      {
        hot, cold, mover: 'test', lockTimeoutMs: 200, coldAfterMs: 3600_000, dryRun: false, now: () => new Date(),
        log: createLogger('test', 'silent'), partitionOf: () => 0, nextAttemptAt: (_c, now) => now,
      },
      [{ id: id as string }],
    );
    assert.deepEqual(outcomes.map((o) => o.outcome), ['changed']);
    assert.equal((await hotIds(stores.db, [id as string])).size, 1, 'still hot');
    assert.equal(await stores.cold.tickets.countDocuments({ _id: Long.fromString(id as string) }), 0, 'stale copy removed');
  });

  // The group is rewound to the earliest offset it ever had. The topic's own beginning holds the history of every
  // other test on this stack, which would only make the run longer, not the check stronger.
  it('changes nothing and duplicates nothing when the group is rewound to its earliest offset', async () => {
    assert.ok(raceGroup, 'runs after the race test');
    const snapshot = async () => (await stores.cold.tickets.find({ customer_id: Long.fromNumber(raceCustomer) }).toArray()).sort((a, b) => Number(a._id) - Number(b._id));
    const before = await snapshot();
    assert.ok(before.length > 100);
    const hotBefore = await hotIds(stores.db, raceIds);
    const ledger = () => stores.db.query<Record<string, unknown>>('SELECT * FROM ticket_archiver_ledger WHERE ticket_id = ANY($1::bigint[]) ORDER BY ticket_id', [raceIds]).then((r) => r.rows);
    const ledgerBefore = await ledger();
    const admin = createKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'test-rewind', quiet: true }).admin();
    await admin.connect();
    await admin.setOffsets({ groupId: raceGroup, topic: env.TICKETS_TOPIC, partitions: groupStarts.get(raceGroup) ?? [] });
    await admin.disconnect();
    assert.ok((await groupLag(env, raceGroup)) > raceIds.length, 'rewound');

    await archiver({ ARCHIVER_GROUP_ID: raceGroup });
    await waitFor('everything consumed again', async () => (await groupLag(env, raceGroup)) === 0, 240_000, 1000);
    await sleep(2000);
    const after = await snapshot();
    assert.deepEqual(after, before, 'cold documents unchanged, none added');
    assert.deepEqual(await hotIds(stores.db, raceIds), hotBefore, 'hot rows unchanged');
    // The ledger entry of a ticket is rewritten on every delete: unchanged means none of them was moved again.
    assert.deepEqual(await ledger(), ledgerBefore, 'no ticket moved again');
  });

  it('shares the partitions between two instances and moves every cold ticket exactly once', async () => {
    const groupId = await groupAtEnd(env, 'test-two');
    const a = await archiver({ ARCHIVER_GROUP_ID: groupId });
    const b = await archiver({ ARCHIVER_GROUP_ID: groupId });
    await waitFor('both instances own partitions', async () =>
      (await a.metric('ticket_archiver_assigned_partitions')) > 0 && (await b.metric('ticket_archiver_assigned_partitions')) > 0, 60_000);
    assert.equal((await a.metric('ticket_archiver_assigned_partitions')) + (await b.metric('ticket_archiver_assigned_partitions')), 6);
    const customer = testCustomer();
    const ids = await insertTickets(stores.db, Array.from({ length: 3000 }, (_, i) => ({ status: 'closed' as const, ageSeconds: 2 * 3600 + i, customerId: customer })));
    await waitFor('all moved', async () => (await hotIds(stores.db, ids)).size === 0, 180_000, 500);
    await waitFor('events consumed', async () => (await groupLag(env, groupId)) === 0, 60_000);
    assert.equal(await archivedCount(stores.cold, customer), ids.length);
    const movedA = await a.metric('ticket_archiver_moves_total', { outcome: 'archived' });
    const movedB = await b.metric('ticket_archiver_moves_total', { outcome: 'archived' });
    assert.ok(movedA > 0 && movedB > 0, `both moved (${movedA}, ${movedB})`);
    assert.equal(movedA + movedB, ids.length, 'each ticket moved exactly once');
  });
});
