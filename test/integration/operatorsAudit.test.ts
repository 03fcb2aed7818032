// `ticket-archiver audit` on the real stack: an archived, a restored, and a stuck-then-finished ticket's story.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { archiverEnv } from '../support/archiverEnv.ts';
import { archiverHarness } from '../support/harness.ts';
import { healthyStack } from '../support/healthyStack.ts';
import { runCli } from '../support/runCli.ts';
import { hotIds, insertTickets } from '../support/tickets.ts';
import { groupAtEnd } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';

const h = archiverHarness({ COLD_AFTER: '1h' });

describe('operators', () => {
  it("audit tells an archived, a restored, and a stuck-then-finished ticket's story", async () => {
    await healthyStack(h);
    const group = await groupAtEnd(h.env, 'test-audit');
    const [archived, restored, stuck] = (await insertTickets(
      h.stores.db,
      Array.from({ length: 3 }, () => ({ status: 'closed' as const, ageSeconds: 7200 })),
    )) as [string, string, string];
    const holder = new pg.Client({ connectionString: h.env.MIGRATIONS_DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE', [stuck]);
      await h.archiver({ ARCHIVER_GROUP_ID: group, STUCK_RETRY_DELAY: '1s' });
      await waitFor('two archived', async () => (await hotIds(h.stores.db, [archived, restored])).size === 0, 60_000);
      await waitFor(
        'one stuck',
        async () => (await h.stores.cold.listStuck({})).some((s) => s._id.toString() === stuck),
        30_000,
      );
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    const restore = await runCli(['restore', restored, '--hold', '1h'], archiverEnv(h.env));
    assert.equal(restore.code, 0, restore.stderr);
    await sleep(1500);
    const pass = await runCli(
      ['reconcile', '--once'],
      archiverEnv(h.env, { COLD_AFTER: '1h', STUCK_RETRY_BASE: '1s', ARCHIVER_GROUP_ID: group }),
      300_000,
    );
    assert.equal(pass.code, 0, pass.stderr.slice(-2000));

    const audit = async (id: string) => {
      const res = await runCli(['audit', id, '--json'], archiverEnv(h.env, { ARCHIVER_GROUP_ID: group }));
      assert.equal(res.code, 0, res.stderr);
      return JSON.parse(res.stdout) as { now: { tier: string }; steps: Array<{ what: string }> };
    };
    const a = await audit(archived);
    assert.equal(a.now.tier, 'cold');
    const aSteps = a.steps.map((s) => s.what).join('\n');
    assert.match(aSteps, /copied to the cold store .* decided by change events, partition \d+ offsets \d+\.\.\d+/);
    assert.match(aSteps, /move committed: the copy is the archive/);
    assert.match(aSteps, /deleted from the hot table/);

    const r = await audit(restored);
    assert.equal(r.now.tier, 'hot');
    assert.match(
      r.steps.map((s) => s.what).join('\n'),
      /copied to the cold store[\s\S]*restored: put back into the hot table/,
    );

    const s = await audit(stuck);
    assert.equal(s.now.tier, 'cold');
    const sSteps = s.steps.map((x) => x.what).join('\n');
    assert.match(sSteps, /deletion stuck, recorded for the reconciler/);
    assert.match(sSteps, /stuck deletion closed/);
    assert.match(sSteps, /confirmed as the archive on its own|move committed/);
  });
});
