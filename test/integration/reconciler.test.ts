// The reconciler on the real stack: stuck deletions finished or escalated, a cold-store outage survived, lost
// timers made up for by the sweep, and `verify` proving (and catching violations of) invariants 1 to 4.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Long } from 'mongodb';
import pg from 'pg';
import { coldStoreDaemon, startColdStore } from '../../infra/local/components/coldStore.ts';
import { ensureFerretDb } from '../../infra/local/downloads.ts';
import { stopDaemon } from '../../infra/local/processes.ts';
import { loadOrCreateSecrets } from '../../infra/local/secrets.ts';
import { stackSettings } from '../../infra/local/settings.ts';
import { loadVersions } from '../../infra/local/versions.ts';
import { restorableRow } from '../../services/core/move/coldDocument.ts';
import { liveColumns, selectFromText } from '../../services/edges/hotStore/rowFromText.ts';
import { archiverEnv } from '../support/archiverEnv.ts';
import { archiverHarness } from '../support/harness.ts';
import { runCli } from '../support/runCli.ts';
import { archivedCount, hotIds, insertTickets, testCustomer } from '../support/tickets.ts';
import { groupAtEnd, groupLag } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';

const h = archiverHarness({ COLD_AFTER: '1h', STUCK_RETRY_DELAY: '1s', PERMANENT_RETRY_DELAY: '1s' });

async function reconcile(
  overrides: Record<string, string> = {},
): Promise<{ runId: string; ok: boolean; counts: Record<string, number> }> {
  const res = await runCli(
    ['reconcile', '--once'],
    archiverEnv(h.env, { COLD_AFTER: '1h', STUCK_RETRY_BASE: '1s', ...overrides }),
    300_000,
  );
  assert.equal(res.code, 0, `reconcile --once failed:\n${res.stdout}\n${res.stderr.slice(-3000)}`);
  return JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as {
    runId: string;
    ok: boolean;
    counts: Record<string, number>;
  };
}

async function verify(): Promise<{ code: number | null; stdout: string }> {
  const res = await runCli(['verify'], archiverEnv(h.env), 600_000);
  return { code: res.code, stdout: res.stdout + res.stderr };
}

async function assertVerifyPasses(): Promise<void> {
  const v = await verify();
  assert.equal(v.code, 0, v.stdout);
  assert.match(v.stdout, /verify: OK/);
}

const cold = (id: string) => h.stores.cold.tickets.findOne({ _id: Long.fromString(id) });
const stuck = (id: string) => h.stores.cold.stuck.findOne({ _id: Long.fromString(id) });

describe('reconciler', () => {
  it('finishes a deletion that a long transaction blocked, once the lock is gone', async () => {
    const groupId = await groupAtEnd(h.env, 'test-lock');
    const customer = testCustomer();
    const ids = await insertTickets(
      h.stores.db,
      Array.from({ length: 5 }, () => ({ status: 'closed' as const, ageSeconds: 7200, customerId: customer })),
    );
    const locked = ids[0] as string;
    const holder = new pg.Client({ connectionString: h.env.MIGRATIONS_DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM tickets WHERE id = $1 FOR UPDATE', [locked]);
      await h.archiver({ ARCHIVER_GROUP_ID: groupId });
      await waitFor('the others archived', async () => (await archivedCount(h.stores.cold, customer)) === 4, 60_000);
      const record = await waitFor(
        'a stuck deletion recorded',
        () => stuck(locked).then((s) => s ?? undefined),
        30_000,
      );
      assert.match(record.reason, /locked/);
      assert.equal(record.failureClass, 'transient');
      assert.equal((await hotIds(h.stores.db, [locked])).size, 1, 'still hot while locked');
      assert.equal((await cold(locked))?.archive.state, 'copied', 'its copy is not an archive');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await sleep(1500);
    const pass = await reconcile();
    assert.ok(pass.ok);
    assert.ok((pass.counts.stuckResolved ?? 0) >= 1, JSON.stringify(pass));
    // The pass left its summary in the durable history.
    const run = await h.stores.coldStore.client
      .db('ticket_archive')
      .collection<{ _id: string; ok: boolean; counts: Record<string, number>; startedAt: Date; endedAt: Date }>(
        'reconcile_runs',
      )
      .findOne({ _id: pass.runId });
    assert.ok(
      run && run.ok && run.counts.stuckResolved === pass.counts.stuckResolved && run.endedAt >= run.startedAt,
      JSON.stringify(run),
    );
    assert.equal((await hotIds(h.stores.db, [locked])).size, 0);
    assert.equal((await cold(locked))?.archive.state, 'archived');
    assert.equal(await stuck(locked), null, 'record closed');
    await assertVerifyPasses();
  });

  it('brings every ticket to its tier after the cold store was down for 30 s during moves', async () => {
    const s = stackSettings();
    const groupId = await groupAtEnd(h.env, 'test-cold-outage');
    const customer = testCustomer();
    const ids = await insertTickets(
      h.stores.db,
      Array.from({ length: 3000 }, (_, i) => ({
        status: 'closed' as const,
        ageSeconds: 7200 + i,
        customerId: customer,
      })),
    );
    await h.archiver({ ARCHIVER_GROUP_ID: groupId, MAX_MOVES_PER_SECOND: '150', ARCHIVE_BATCH_SIZE: '100' });
    await waitFor('moves under way', async () => (await hotIds(h.stores.db, ids)).size < ids.length - 150, 60_000);
    await h.stores.coldStore.close();
    await stopDaemon(coldStoreDaemon(s), 10_000);
    try {
      const hotAtStop = (await hotIds(h.stores.db, ids)).size;
      await sleep(30_000);
      // Nothing is deleted from hot while no copy can be written.
      assert.ok((await hotIds(h.stores.db, ids)).size >= hotAtStop - 100, 'moves stop while the cold store is down');
    } finally {
      const v = loadVersions();
      await startColdStore(
        s,
        v,
        loadOrCreateSecrets(s.secretsFile),
        () => ensureFerretDb(s, v, () => undefined),
        () => undefined,
      );
      await h.stores.coldStore.client.connect();
    }
    await waitFor('all moved after the outage', async () => (await hotIds(h.stores.db, ids)).size === 0, 180_000, 1000);
    await waitFor('events consumed', async () => (await groupLag(h.env, groupId)) === 0, 60_000);
    await reconcile();
    assert.equal(await archivedCount(h.stores.cold, customer), ids.length);
    await assertVerifyPasses();
  });

  it('sweeps tickets that turned cold while the archiver was down and its timers were lost', async () => {
    const groupId = await groupAtEnd(h.env, 'test-lost-timers');
    const customer = testCustomer();
    const a = await h.archiver({ ARCHIVER_GROUP_ID: groupId, COLD_AFTER: '10s' });
    const ids = await insertTickets(
      h.stores.db,
      Array.from({ length: 20 }, () => ({ status: 'closed' as const, ageSeconds: 2, customerId: customer })),
    );
    await waitFor(
      'timers recorded',
      async () => (await h.stores.cold.timers.countDocuments({ group: groupId })) === ids.length,
      30_000,
    );
    assert.equal(await a.stop(), 0);
    await h.stores.cold.timers.deleteMany({ group: groupId });
    await sleep(8000 + 10_000 + 1000); // due, plus the freshness target
    assert.equal((await hotIds(h.stores.db, ids)).size, ids.length);
    const pass = await reconcile({ COLD_AFTER: '10s', FRESHNESS_TARGET: '10s', ARCHIVER_GROUP_ID: groupId });
    assert.ok((pass.counts.swept ?? 0) >= ids.length, JSON.stringify(pass));
    assert.equal((await hotIds(h.stores.db, ids)).size, 0, 'swept into the cold store');
    assert.equal(await archivedCount(h.stores.cold, customer), ids.length);
  });

  it('verify names a ticket missing from both tiers, a copy of another version, and a ticket in both tiers', async () => {
    const groupId = await groupAtEnd(h.env, 'test-verify');
    const customer = testCustomer();
    const [missing, otherVersion, both] = (await insertTickets(
      h.stores.db,
      Array.from({ length: 3 }, () => ({ status: 'closed' as const, ageSeconds: 7200, customerId: customer })),
    )) as [string, string, string];
    const a = await h.archiver({ ARCHIVER_GROUP_ID: groupId });
    await waitFor('archived', async () => (await archivedCount(h.stores.cold, customer)) === 3, 60_000);
    await a.stop();
    const docs = { missing: await cold(missing), otherVersion: await cold(otherVersion), both: await cold(both) };
    try {
      await h.stores.cold.tickets.deleteOne({ _id: Long.fromString(missing) });
      await h.stores.cold.tickets.updateOne(
        { _id: Long.fromString(otherVersion) },
        { $set: { version: String(Number(docs.otherVersion?.version) + 1) } },
      );
      const fix = (r: Record<string, string | null>) => ({ ...r, version: String(Number(r.version) + 1) });
      await h.stores.cold.tickets.updateOne(
        { _id: Long.fromString(otherVersion) },
        { $set: { row: fix(docs.otherVersion?.row ?? {}) } },
      );
      const { contentHash } = await import('../../services/core/move/coldDocument.ts');
      await h.stores.cold.tickets.updateOne(
        { _id: Long.fromString(otherVersion) },
        { $set: { 'archive.contentHash': contentHash(fix(docs.otherVersion?.row ?? {})) } },
      );
      const back = selectFromText(await liveColumns(h.stores.db, 'public.tickets'), restorableRow(docs.both!));
      await h.stores.db.query(`INSERT INTO public.tickets (${back.list}) SELECT ${back.select}`, back.params);

      const v = await verify();
      assert.equal(v.code, 1, v.stdout);
      assert.match(v.stdout, new RegExp(`missingFromBothTiers\\s+1\\s+ids: ${missing}\\b`));
      assert.match(v.stdout, new RegExp(`wrongVersion\\s+1\\s+ids: ${otherVersion}\\b`));
      assert.match(v.stdout, new RegExp(`inBothTiers\\s+1\\s+ids: ${both}\\b`));
      assert.match(v.stdout, /verify: FAILED, 3 violation\(s\)/);
    } finally {
      // Undo the damage, so the stack is consistent again for whatever runs next.
      await h.stores.db.query('DELETE FROM public.tickets WHERE id = $1', [both]);
      await h.stores.cold.tickets.deleteOne({ _id: Long.fromString(otherVersion) });
      if (docs.otherVersion) await h.stores.cold.tickets.insertOne(docs.otherVersion);
      if (docs.missing) await h.stores.cold.tickets.insertOne(docs.missing);
    }
    await assertVerifyPasses();
  });
});
