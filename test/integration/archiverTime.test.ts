// Cold by time alone: tickets closed a moment ago turn cold with no further change event and are archived within
// the freshness target, also when the archiver was down at the due time and when another instance takes over.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Long } from 'mongodb';
import type { ArchiverProcess } from '../support/archiverProcess.ts';
import { archiverHarness } from '../support/harness.ts';
import { archivedCount, hotIds, insertTickets, testCustomer } from '../support/tickets.ts';
import { groupAtEnd, groupLag } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';

const COLD_AFTER_S = 10;
const FRESHNESS_S = 10;
const h = archiverHarness();

function archiver(groupId: string, name: string): Promise<ArchiverProcess> {
  return h.archiver({
    ARCHIVER_GROUP_ID: groupId,
    COLD_AFTER: `${COLD_AFTER_S}s`,
    FRESHNESS_TARGET: `${FRESHNESS_S}s`,
    INSTANCE_NAME: name,
  });
}

/** Due time (epoch ms, database clock) of each ticket. */
async function dueTimes(ids: string[]): Promise<Map<string, number>> {
  const res = await h.stores.db.query<{ id: string; due: Date }>(
    `SELECT id::text AS id, last_operated_at + $2 * interval '1 second' AS due FROM tickets WHERE id = ANY($1::bigint[])`,
    [ids, COLD_AFTER_S],
  );
  return new Map(res.rows.map((r) => [r.id, r.due.getTime()]));
}

/** Polls until every ticket left the hot table; returns when each one was first seen gone. */
async function goneTimes(ids: string[], timeoutMs: number): Promise<Map<string, number>> {
  const gone = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  while (gone.size < ids.length && Date.now() < deadline) {
    const hot = await hotIds(h.stores.db, ids);
    const now = Date.now();
    for (const id of ids) if (!hot.has(id) && !gone.has(id)) gone.set(id, now);
    await sleep(200);
  }
  return gone;
}

describe('cold by time alone', () => {
  it('archives tickets within the freshness target after they turn cold, with no further change', async () => {
    const groupId = await groupAtEnd(h.env, 'test-time');
    await archiver(groupId, 'time-a');
    // Closed 5 s ago: cold 5 s from now.
    const customer = testCustomer();
    const ids = await insertTickets(
      h.stores.db,
      Array.from({ length: 20 }, () => ({
        status: 'closed' as const,
        ageSeconds: COLD_AFTER_S - 5,
        customerId: customer,
      })),
    );
    const due = await dueTimes(ids);
    await sleep(2000);
    assert.equal((await hotIds(h.stores.db, ids)).size, ids.length, 'not archived before they are due');
    const gone = await goneTimes(ids, 60_000);
    assert.equal(gone.size, ids.length, 'all archived');
    for (const id of ids) {
      const lateness = (gone.get(id) ?? 0) - (due.get(id) ?? 0);
      assert.ok(lateness >= -1000, `ticket ${id} archived ${-lateness} ms before due`);
      assert.ok(lateness <= FRESHNESS_S * 1000, `ticket ${id} archived ${lateness} ms after due`);
    }
    assert.equal(await archivedCount(h.stores.cold, customer), ids.length);
  });

  it('archives them after a restart and on another instance when the archiver was down at the due time', async () => {
    const groupId = await groupAtEnd(h.env, 'test-time-restart');
    const first = await archiver(groupId, 'time-first');
    const ids = await insertTickets(
      h.stores.db,
      Array.from({ length: 20 }, () => ({ status: 'closed' as const, ageSeconds: COLD_AFTER_S - 8 })),
    );
    const due = await dueTimes(ids);
    // The events are consumed and their timers recorded before the archiver goes away.
    await waitFor('events consumed', async () => (await groupLag(h.env, groupId)) === 0, 30_000);
    await waitFor(
      'timers recorded',
      async () =>
        (await h.stores.cold.timers.countDocuments({
          group: groupId,
          ticketId: { $in: ids.map((i) => Long.fromString(i)) },
        })) === ids.length,
      30_000,
    );
    assert.equal(await first.stop(), 0);
    const lastDue = Math.max(...due.values());
    await sleep(Math.max(0, lastDue - Date.now()) + 3000);
    assert.equal((await hotIds(h.stores.db, ids)).size, ids.length, 'nothing moves while no archiver runs');

    // Another instance (another name, same group) takes the partitions over and fires the timers.
    const second = await archiver(groupId, 'time-second');
    const readyAt = Date.now();
    const gone = await goneTimes(ids, 60_000);
    assert.equal(gone.size, ids.length);
    for (const id of ids)
      assert.ok(
        (gone.get(id) ?? 0) - readyAt <= FRESHNESS_S * 1000,
        `ticket ${id} archived ${(gone.get(id) ?? 0) - readyAt} ms after the new instance was ready`,
      );
    // Counted once the move settles (a moment after the rows are gone).
    await waitFor(
      'the new instance counted the moves',
      async () => (await second.metric('ticket_archiver_moves_total', { outcome: 'archived' })) >= ids.length,
      15_000,
    );
  });

  it('cancels the timer of a ticket reopened before it turns cold', async () => {
    const groupId = await groupAtEnd(h.env, 'test-time-reopen');
    await archiver(groupId, 'time-reopen');
    const [id] = await insertTickets(h.stores.db, [{ status: 'closed', ageSeconds: COLD_AFTER_S - 6 }]);
    await sleep(1500);
    await h.stores.db.query(`UPDATE tickets SET status = 'in_progress', last_operated_at = now() WHERE id = $1`, [id]);
    await sleep(8000 + (FRESHNESS_S * 1000) / 2);
    assert.equal((await hotIds(h.stores.db, [id as string])).size, 1, 'reopened ticket stays hot');
    assert.equal(await h.stores.cold.tickets.countDocuments({ _id: Long.fromString(id as string) }), 0);
    assert.equal(
      await h.stores.cold.timers.countDocuments({ group: groupId, ticketId: Long.fromString(id as string) }),
      0,
      'timer cancelled',
    );
  });
});
