// The throttle on the real stack: sessions waiting for locks in the hot database, or (when asked for) commits slower
// than their quiet baseline, pause the archiver's moves (metric and log line say so); a paused archiver still stops at
// once on SIGTERM (its held-back batch not committed, so the next owner of the partition moves it); once the database
// is healthy again the moves resume by themselves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { ArchiverProcess } from '../support/archiverProcess.ts';
import { archiverHarness } from '../support/harness.ts';
import { archivedCount, hotIds, insertTickets, testCustomer } from '../support/tickets.ts';
import { groupAtEnd } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';

const h = archiverHarness({ COLD_AFTER: '1h' });

/** Every commit that flushes WAL waits `delayUs` more (0: as configured before), database-wide, until reset. */
async function commitDelay(delayUs: number): Promise<void> {
  const su = new pg.Client({ connectionString: h.env.STACK_PG_SUPERUSER_URL });
  await su.connect();
  try {
    if (delayUs > 0) {
      await su.query(`ALTER SYSTEM SET commit_delay = ${delayUs}`);
      // Also when no other transaction is active (the default asks for five).
      await su.query('ALTER SYSTEM SET commit_siblings = 0');
    } else {
      await su.query('ALTER SYSTEM RESET commit_delay');
      await su.query('ALTER SYSTEM RESET commit_siblings');
    }
    await su.query('SELECT pg_reload_conf()');
  } finally {
    await su.end();
  }
}

/** An archiver of a group of its own, the throttle reading every 500 ms, no clock-aligned quiet window during a test
 * (one would take a slowed database for quiet). */
async function throttledArchiver(group: string, overrides: Record<string, string>) {
  return h.archiver({
    ARCHIVER_GROUP_ID: await groupAtEnd(h.env, group),
    THROTTLE: 'true',
    THROTTLE_INTERVAL: '500ms',
    THROTTLE_PROBE_LATENCY: '2s',
    THROTTLE_BASELINE_EVERY: '24h',
    ...overrides,
  });
}

describe('throttle', () => {
  it('pauses moves while sessions wait for locks in the hot database, and resumes when they are gone', async () => {
    const groupId = await groupAtEnd(h.env, 'test-throttle');
    const settings = {
      ARCHIVER_GROUP_ID: groupId,
      THROTTLE: 'true',
      THROTTLE_LOCK_WAITS: '1',
      THROTTLE_INTERVAL: '500ms',
      THROTTLE_PROBE_LATENCY: '2s',
      SHUTDOWN_TIMEOUT: '20s',
    };
    const a = await h.archiver(settings);
    const [locked] = await insertTickets(h.stores.db, [{ status: 'in_progress', ageSeconds: 0 }]);
    const holder = new pg.Client({ connectionString: h.env.MIGRATIONS_DATABASE_URL });
    const waiters = Array.from({ length: 3 }, () => new pg.Client({ connectionString: h.env.MIGRATIONS_DATABASE_URL }));
    await holder.connect();
    for (const w of waiters) await w.connect();
    const customer = testCustomer();
    let ids: string[] = [];
    let b: ArchiverProcess | undefined;
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE', [locked]);
      // Three business sessions stuck behind the lock: three times the bound of one.
      const blocked = waiters.map((w) =>
        w.query('UPDATE tickets SET subject = $2 WHERE id = $1', [locked, 'waiting']).catch(() => undefined),
      );
      await waitFor('the throttle paused', async () => (await a.metric('ticket_archiver_throttle_mode')) === 2, 30_000);
      assert.ok(
        a.lines.some((l) => l.includes('throttle paused moves') && l.includes('waiting for locks')),
        'a log line names the cause',
      );
      ids = await insertTickets(
        h.stores.db,
        Array.from({ length: 50 }, () => ({ status: 'closed' as const, ageSeconds: 7200, customerId: customer })),
      );
      await sleep(5000);
      assert.equal((await hotIds(h.stores.db, ids)).size, ids.length, 'nothing moves while paused');
      assert.equal(await a.metric('ticket_archiver_throttle_rate'), 0);
      // Its batch waits on the paused throttle: SIGTERM must end that wait, not the shutdown watchdog.
      const stopping = Date.now();
      assert.equal(await a.stop(), 0, `a paused archiver exits cleanly:\n${a.lines.slice(-10).join('\n')}`);
      assert.ok(Date.now() - stopping < 15_000, `stopped in ${Date.now() - stopping} ms`);
      assert.equal((await hotIds(h.stores.db, ids)).size, ids.length, 'nothing moved on the way out');
      b = await h.archiver(settings);
      await holder.query('ROLLBACK');
      await Promise.all(blocked);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
      for (const w of waiters) await w.end();
    }
    await waitFor('moves resumed and finished', async () => (await hotIds(h.stores.db, ids)).size === 0, 60_000);
    assert.equal(await archivedCount(h.stores.cold, customer), ids.length);
    assert.ok(b && (await b.metric('ticket_archiver_throttle_mode')) < 2, 'no longer paused');
  });

  it('pauses moves while commits are far slower than their quiet baseline, and resumes when they are fast again', async () => {
    const a = await throttledArchiver('test-throttle-commits', { THROTTLE_COMMIT_SLOWDOWN: '1.2' });
    const customer = testCustomer();
    let ids: string[] = [];
    try {
      await waitFor(
        'a quiet baseline',
        async () => (await a.metric('ticket_archiver_hot_commit_quiet_seconds')) > 0,
        30_000,
      );
      // 30 ms on each flush: far past the bound of 1.2x over the quiet p90 even of a busy shared disk.
      await commitDelay(30_000);
      await waitFor('the throttle paused', async () => (await a.metric('ticket_archiver_throttle_mode')) === 2, 30_000);
      assert.ok(
        a.lines.some((l) => l.includes('throttle paused moves') && l.includes('their quiet latency')),
        'a log line names the commits',
      );
      assert.ok((await a.metric('ticket_archiver_hot_commit_slowdown')) > 1.2);
      ids = await insertTickets(
        h.stores.db,
        Array.from({ length: 50 }, () => ({ status: 'closed' as const, ageSeconds: 7200, customerId: customer })),
      );
      await sleep(5000);
      assert.equal((await hotIds(h.stores.db, ids)).size, ids.length, 'nothing moves while paused');
    } finally {
      await commitDelay(0);
    }
    await waitFor('moves resumed and finished', async () => (await hotIds(h.stores.db, ids)).size === 0, 60_000);
    assert.equal(await archivedCount(h.stores.cold, customer), ids.length);
  });
});
