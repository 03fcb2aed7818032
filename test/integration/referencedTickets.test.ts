// Tickets another table references by a foreign key the spec does not carry (their child rows are the next issue's):
// held back from every move, never a stuck deletion retried for ever, never the cause of a cascading delete; listed by
// plan and migrate --check with an estimate of what each key holds back; archived once nothing references them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Long } from 'mongodb';
import { archiverEnv } from '../support/archiverEnv.ts';
import { archiverHarness } from '../support/harness.ts';
import { runCli } from '../support/runCli.ts';
import { archivedCount, hotIds, insertTickets, testCustomer } from '../support/tickets.ts';
import { groupAtEnd, groupLag } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';

const h = archiverHarness({ COLD_AFTER: '1h' });

async function reconcile(): Promise<{ counts: Record<string, number> }> {
  const res = await runCli(['reconcile', '--once'], archiverEnv(h.env, { COLD_AFTER: '1h' }), 300_000);
  assert.equal(res.code, 0, `reconcile --once failed:\n${res.stdout}\n${res.stderr.slice(-3000)}`);
  return JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as { counts: Record<string, number> };
}

async function assertVerifyPasses(): Promise<void> {
  const v = await runCli(['verify'], archiverEnv(h.env), 600_000);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout + v.stderr, /verify: OK/);
}

const cold = (id: string) => h.stores.cold.tickets.findOne({ _id: Long.fromString(id) });
const stuck = (id: string) => h.stores.cold.stuck.findOne({ _id: Long.fromString(id) });

describe('tickets another table references', () => {
  it('holds back tickets another table references: a restricting key is not retried, a cascading one costs no child row', async () => {
    // Business tables that reference tickets, indexed as migrate requires; migrate again grants the movers the reads
    // that the check for references needs (as a DBA does after adding such a table).
    await h.stores.db.query(`
      CREATE TABLE IF NOT EXISTS public.test_ticket_notes (id serial PRIMARY KEY, ticket_id bigint NOT NULL REFERENCES public.tickets (id));
      CREATE INDEX IF NOT EXISTS test_ticket_notes_ticket ON public.test_ticket_notes (ticket_id);
      CREATE TABLE IF NOT EXISTS public.test_ticket_followers (id serial PRIMARY KEY, ticket_id bigint NOT NULL REFERENCES public.tickets (id) ON DELETE CASCADE);
      CREATE INDEX IF NOT EXISTS test_ticket_followers_ticket ON public.test_ticket_followers (ticket_id);
      ANALYZE public.test_ticket_notes, public.test_ticket_followers`);
    const children = async (table: string, ids: string[]) =>
      Number(
        (
          await h.stores.db.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM public.${table} WHERE ticket_id = ANY($1::bigint[])`,
            [ids],
          )
        ).rows[0]?.n,
      );
    try {
      const migrated = await runCli(['migrate'], archiverEnv(h.env), 120_000);
      assert.equal(migrated.code, 0, migrated.stderr);
      const groupId = await groupAtEnd(h.env, 'test-fk');
      const customer = testCustomer();
      const ids = await insertTickets(
        h.stores.db,
        Array.from({ length: 6 }, () => ({ status: 'closed' as const, ageSeconds: 7200, customerId: customer })),
      );
      const [noted, followed] = [ids.slice(0, 2), ids.slice(2, 4)];
      for (const id of noted)
        await h.stores.db.query('INSERT INTO public.test_ticket_notes (ticket_id) VALUES ($1)', [id]);
      for (const id of followed)
        for (let i = 0; i < 15; i++)
          await h.stores.db.query('INSERT INTO public.test_ticket_followers (ticket_id) VALUES ($1)', [id]);
      const a = await h.archiver({ ARCHIVER_GROUP_ID: groupId });
      await waitFor('the free ones archived', async () => (await archivedCount(h.stores.cold, customer)) === 2, 60_000);
      await waitFor('events consumed', async () => (await groupLag(h.env, groupId)) === 0, 60_000);
      await sleep(1500);
      assert.equal(await a.stop(), 0);
      assert.equal((await hotIds(h.stores.db, [...noted, ...followed])).size, 4, 'the referenced ones stay hot');
      assert.equal(await children('test_ticket_followers', followed), 30, 'no cascading delete took a child row');
      for (const id of [...noted, ...followed]) {
        assert.equal(await stuck(id), null, `${id}: held back, not a stuck deletion retried for ever`);
        assert.equal(await cold(id), null, `${id}: no copy in the cold store`);
      }
      const pass = await reconcile();
      assert.equal(pass.counts.stuckRetried ?? 0, 0, JSON.stringify(pass));
      assert.ok((pass.counts.heldBack ?? 0) >= 4, `the sweep passed over them: ${JSON.stringify(pass)}`);
      assert.equal((await hotIds(h.stores.db, [...noted, ...followed])).size, 4, 'the sweep holds them back too');

      // plan and migrate --check name each key, what it does on delete, and an estimate of what it holds back.
      const plan = await runCli(['plan'], archiverEnv(h.env), 120_000);
      assert.equal(plan.code, 0, plan.stderr);
      const check = await runCli(['migrate', '--check'], archiverEnv(h.env), 120_000);
      for (const out of [plan.stdout, check.stdout]) {
        assert.match(out, /test_ticket_notes_ticket_id_fkey/);
        assert.match(out, /test_ticket_followers_ticket_id_fkey/);
        assert.match(out, /cascade/i);
      }

      // Once nothing references them, the sweep archives them; the cascade then has nothing left to take.
      await h.stores.db.query('DELETE FROM public.test_ticket_notes WHERE ticket_id = ANY($1::bigint[])', [noted]);
      await h.stores.db.query('DELETE FROM public.test_ticket_followers WHERE ticket_id = ANY($1::bigint[])', [
        followed,
      ]);
      await reconcile();
      assert.equal(await archivedCount(h.stores.cold, customer), 6);
      await assertVerifyPasses();
    } finally {
      await h.stores.db.query('DROP TABLE IF EXISTS public.test_ticket_notes, public.test_ticket_followers');
    }
  });

  it('holds back tickets of a cascading key added while the archiver runs: no child row is lost', async () => {
    const groupId = await groupAtEnd(h.env, 'test-fk-late');
    const customer = testCustomer();
    const a = await h.archiver({ ARCHIVER_GROUP_ID: groupId });
    try {
      // Added after the archiver started (which read the table's keys then), granted by migrate as a DBA would.
      await h.stores.db.query(`
        CREATE TABLE public.test_ticket_late (id serial PRIMARY KEY, ticket_id bigint NOT NULL REFERENCES public.tickets (id) ON DELETE CASCADE);
        CREATE INDEX test_ticket_late_ticket ON public.test_ticket_late (ticket_id)`);
      const migrated = await runCli(['migrate'], archiverEnv(h.env), 120_000);
      assert.equal(migrated.code, 0, migrated.stderr);
      // Tickets and their child rows in one transaction: their events arrive with the children already there.
      const client = await h.stores.db.connect();
      let held: string[] = [];
      try {
        await client.query('BEGIN');
        const ids = await insertTickets(
          client,
          Array.from({ length: 4 }, () => ({ status: 'closed' as const, ageSeconds: 7200, customerId: customer })),
        );
        held = ids.slice(0, 2);
        for (const id of held)
          await client.query('INSERT INTO public.test_ticket_late (ticket_id) SELECT $1 FROM generate_series(1, 5)', [
            id,
          ]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      await waitFor('the free ones archived', async () => (await archivedCount(h.stores.cold, customer)) === 2, 60_000);
      await waitFor('events consumed', async () => (await groupLag(h.env, groupId)) === 0, 60_000);
      assert.equal((await hotIds(h.stores.db, held)).size, 2, 'the referenced ones stay hot');
      const children = await h.stores.db.query<{ n: string }>(
        'SELECT count(*)::text AS n FROM public.test_ticket_late',
      );
      assert.equal(children.rows[0]?.n, '10', 'no cascading delete took a child row');
    } finally {
      await a.stop();
      await h.stores.db.query('DROP TABLE IF EXISTS public.test_ticket_late');
    }
  });
});
