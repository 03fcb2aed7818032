// The throttle and a streaming replica, on the real stack: the hot database's replica (pg_basebackup, a physical slot)
// has its replay paused while business code writes, so its replay lag grows; an archiver moving a trickle of cold
// tickets first slows, then pauses its moves (metric and log line name the replica lag), moves nothing while paused,
// and resumes by itself once replay catches up, with every ticket archived.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { loadOrCreateSecrets } from '../../infra/local/secrets.ts';
import { stackSettings } from '../../infra/local/settings.ts';
import { loadVersions } from '../../infra/local/versions.ts';
import { removeHotReplica, startHotReplica } from '../../infra/local/components/hotReplica.ts';
import { archiverHarness } from '../support/harness.ts';
import { archivedCount, hotIds, insertTickets, testCustomer } from '../support/tickets.ts';
import { groupAtEnd } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';

const h = archiverHarness({ COLD_AFTER: '1h' });
const s = stackSettings();
const v = loadVersions();
let replicaUrl = '';

before(async () => {
  if (process.env.TICKET_ARCHIVER_EXTERNAL_STACK === '1')
    throw new Error('this test starts a streaming replica of the local stack; it cannot run on external servers');
  replicaUrl = await startHotReplica(s, v, loadOrCreateSecrets(s.secretsFile), (m) =>
    process.stderr.write(`[stack] ${m}\n`),
  );
});
// A replica left behind would keep its slot, and with it WAL, on the shared stack's primary.
after(() => removeHotReplica(s, v, loadOrCreateSecrets(s.secretsFile)));

async function onReplica(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: replicaUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Business code closing old tickets, five every 100 ms until stopped: WAL for the replica and cold tickets to move. */
function closingTrickle(customer: number) {
  const ids: string[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      ids.push(
        ...(await insertTickets(
          h.stores.db,
          Array.from({ length: 5 }, () => ({ status: 'closed' as const, ageSeconds: 7200, customerId: customer })),
        )),
      );
      await sleep(100);
    }
  })();
  return {
    ids,
    async stop() {
      running = false;
      await done;
    },
  };
}

describe('throttle with a streaming replica', () => {
  it("slows and then pauses moves while the replica's replay is paused, and resumes when it catches up", async () => {
    const a = await h.archiver({
      ARCHIVER_GROUP_ID: await groupAtEnd(h.env, 'test-throttle-replica'),
      THROTTLE: 'true',
      THROTTLE_INTERVAL: '500ms',
      THROTTLE_PROBE_LATENCY: '2s',
      THROTTLE_REPLICA_LAG: '2s',
      // A rate of a trickle is halved once before it falls below the minimum, so "slowed" comes before "paused".
      THROTTLE_MIN_RATE: '5',
      THROTTLE_BASELINE_EVERY: '24h',
    });
    const customer = testCustomer();
    const trickle = closingTrickle(customer);
    let resumed = false;
    try {
      await waitFor('moves under way', async () => (await archivedCount(h.stores.cold, customer)) >= 50, 30_000);
      assert.equal(await a.metric('ticket_archiver_throttle_mode'), 0, 'open while the replica keeps up');
      assert.ok((await a.metric('ticket_archiver_hot_replica_lag_seconds')) < 2);

      await onReplica('SELECT pg_wal_replay_pause()');
      await waitFor('the throttle paused', async () => (await a.metric('ticket_archiver_throttle_mode')) === 2, 30_000);
      const changes = a.lines.filter((l) => l.includes('"throttle":"') && l.includes('replica lag'));
      const slowed = changes.findIndex((l) => l.includes('throttle slowed moves'));
      const paused = changes.findIndex((l) => l.includes('throttle paused moves'));
      assert.ok(slowed >= 0 && paused > slowed, `slowed, then paused, for the replica lag:\n${changes.join('\n')}`);
      assert.ok((await a.metric('ticket_archiver_hot_replica_lag_seconds')) >= 2, 'the metric shows the lag');
      assert.equal(await a.metric('ticket_archiver_throttle_rate'), 0);

      const before = trickle.ids.length;
      await sleep(5000);
      const whilePaused = trickle.ids.slice(before);
      assert.ok(whilePaused.length > 0);
      assert.equal((await hotIds(h.stores.db, whilePaused)).size, whilePaused.length, 'nothing moves while paused');

      await onReplica('SELECT pg_wal_replay_resume()');
      resumed = true;
      await waitFor('moves resumed', async () => (await a.metric('ticket_archiver_throttle_mode')) < 2, 60_000);
    } finally {
      if (!resumed) await onReplica('SELECT pg_wal_replay_resume()').catch(() => undefined);
      await trickle.stop();
    }
    await waitFor(
      'every closed ticket moved',
      async () => (await hotIds(h.stores.db, trickle.ids)).size === 0,
      120_000,
    );
    assert.equal(await archivedCount(h.stores.cold, customer), trickle.ids.length);
    assert.ok((await a.metric('ticket_archiver_hot_replica_lag_seconds')) < 2, 'the lag is back under its bound');
  });
});
