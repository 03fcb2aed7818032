// The product adopts the tables the three best-known help desks already have (Zammad, Znuny, Request Tracker: their
// schemas in test/fixtures/helpdesks, their specs in connectors/specs), on the real stack, each in a database of its
// own: migrate adds only the product's objects; tickets the help desk writes are archived by events and, when they
// existed before the connector, by backfill, with their rows exact; restore puts one back; referencing keys hold
// tickets back without stuck deletions or lost child rows; an update between copy and delete keeps a ticket hot (the
// version is xmin); the read API reads the archive; verify passes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Long } from 'mongodb';
import type { RowText } from '../../services/core/move/coldDocument.ts';
import { catalogDiff, catalogSnapshot, registerDeskConnector } from '../support/helpdeskStack.ts';
import { requestTracker, znuny, zammad, type NewTicket } from '../support/helpdeskShapes.ts';
import { useDesk } from '../support/helpdeskScenario.ts';
import { groupAtEnd } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';

const OLD = 7200; // seconds: cold with COLD_AFTER=1h
const LIST_VALUE = 4242;
const WATCHERS = 3;

interface Tickets {
  cold: string[];
  stay: string[];
  restricted: string[];
  watched: string[];
}

for (const shape of [zammad, znuny, requestTracker]) {
  describe(`adopting ${shape.desk}'s tickets`, () => {
    const d = useDesk(shape);
    const ticket = (closed: boolean, ageSeconds: number): NewTicket => ({ closed, ageSeconds, listValue: LIST_VALUE });
    const insert = (closed: boolean, age: number) => shape.insert(d.stores.db, ticket(closed, age));
    let pre: Tickets & { later: string };
    let ev: Tickets;
    let edited: string;
    const expected = new Map<string, RowText>();

    /** The held-back ones: one with a row under the restricting key, one with watchers (cascading), each committed
     * with its child as the help desk would. */
    async function heldBack(): Promise<Pick<Tickets, 'restricted' | 'watched'>> {
      const client = await d.stores.db.connect();
      try {
        await client.query('BEGIN');
        const restricted = await shape.insert(client, ticket(true, OLD));
        await shape.restricting.add(client, restricted);
        const watched = await shape.insert(client, ticket(true, OLD));
        await shape.watchers.add(client, watched, WATCHERS);
        await client.query('COMMIT');
        return { restricted: [restricted], watched: [watched] };
      } finally {
        client.release();
      }
    }

    async function assertArchivedExactly(ids: string[]): Promise<void> {
      assert.equal((await d.hot(ids)).size, 0, 'gone from the hot table');
      const archived = await d.archived(ids);
      for (const id of ids) assert.deepEqual(archived.get(id)?.row, expected.get(id), `${id}: the row exactly`);
    }

    it('migrate fits the example spec and adds to the help desk schema only the index of candidates', async () => {
      // Tickets from before the product: no connector has seen them.
      pre = {
        cold: [await insert(true, OLD), await insert(true, OLD + 86_400 * 400), await insert(true, OLD)],
        later: await insert(true, 600),
        stay: [await insert(false, OLD), await insert(false, 60)],
        ...(await heldBack()),
      };
      const before = await catalogSnapshot(d.stores.db, [shape.schema]);
      const wholeBefore = await catalogSnapshot(d.stores.db);
      const migrated = await d.run(['migrate']);
      assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);
      const diff = catalogDiff(before, await catalogSnapshot(d.stores.db, [shape.schema]));
      assert.deepEqual(diff.removed, [], 'nothing of the help desk changed or went');
      assert.equal(diff.added.length, 2, diff.added.join('\n'));
      assert.ok(
        diff.added.every((l) => l.includes('ticket_archiver_candidates')),
        diff.added.join('\n'),
      );
      assert.ok(diff.added.some((l) => /^index CREATE INDEX ticket_archiver_candidates .* valid t$/.test(l)));
      // Elsewhere only the product's own: its schema and its publication (of the table and the signal table).
      const whole = catalogDiff(wholeBefore, await catalogSnapshot(d.stores.db));
      assert.deepEqual(whole.removed, []);
      const foreign = whole.added.filter((l) => !l.includes('ticket_archiver'));
      assert.deepEqual(foreign, [], "no object that is not the product's");

      const check = await d.run(['migrate', '--check']);
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.match(check.stdout, new RegExp(`${shape.restricting.constraint} .*ON DELETE NO ACTION`));
      assert.match(check.stdout, /test_ticket_watchers_ticket_id_fkey .*ON DELETE CASCADE/);
      for (const [id, row] of await d.rows(pre.cold)) expected.set(id, row);
      assert.equal(expected.size, pre.cold.length);
    });

    it('archives by events: cold tickets move with their rows exact, the others stay hot', async () => {
      await registerDeskConnector(d.env, d.names, d.specFile);
      d.group = await groupAtEnd(d.env, `test-helpdesk-${shape.desk}`);
      const reclosed = await insert(false, OLD);
      await shape.close(d.stores.db, reclosed, OLD);
      ev = {
        cold: [await insert(true, OLD), await insert(true, OLD), reclosed],
        // Open and old, closed but recent, open and recent.
        stay: [await insert(false, OLD), await insert(true, 300), await insert(false, 60)],
        ...(await heldBack()),
      };
      for (const [id, row] of await d.rows(ev.cold)) expected.set(id, row);
      await d.startArchiver();
      await waitFor('the cold ones archived', async () => (await d.archived(ev.cold)).size === ev.cold.length, 120_000);
      await d.consumed();
      await assertArchivedExactly(ev.cold);
      const stay = [...ev.stay, ...ev.restricted, ...ev.watched, ...pre.cold];
      assert.equal((await d.hot(stay)).size, stay.length, 'the others stay, and events do not reach older tickets');
    });

    it('archives by backfill the tickets that existed before the connector', async () => {
      const res = await d.run(['backfill', '--name', `helpdesk-${shape.desk}`, '--json'], {}, 300_000);
      assert.equal(res.code, 0, res.stderr.slice(-3000));
      const summary = JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as { complete?: boolean };
      assert.equal(summary.complete, true, res.stdout);
      await assertArchivedExactly(pre.cold);
      const stay = [pre.later, ...pre.stay, ...pre.restricted, ...pre.watched];
      assert.equal((await d.hot(stay)).size, stay.length, 'the others stay hot');
      const timers = await d.stores.cold.timers.countDocuments({
        group: d.group,
        ticketId: Long.fromString(pre.later),
      });
      assert.equal(timers, 1, 'the one closed recently waits for its time');
    });

    it('holds back tickets a key references: not stuck, no child row lost, plan lists each key', async () => {
      const held = [...pre.restricted, ...pre.watched, ...ev.restricted, ...ev.watched];
      const watched = [...pre.watched, ...ev.watched];
      const reconciled = await d.run(['reconcile', '--once']);
      assert.equal(reconciled.code, 0, reconciled.stderr.slice(-3000));
      const pass = JSON.parse(reconciled.stdout.trim().split('\n').pop() ?? '{}') as {
        counts?: Record<string, number>;
      };
      assert.equal(pass.counts?.stuckRetried ?? 0, 0, reconciled.stdout);
      assert.equal((await d.hot(held)).size, held.length, 'they stay hot');
      assert.equal(await shape.watchers.count(d.stores.db, watched), watched.length * WATCHERS, 'no watcher lost');
      const ids = { _id: { $in: held.map((id) => Long.fromString(id)) } };
      assert.equal(await d.stores.cold.tickets.countDocuments(ids), 0, 'no copy of them');
      assert.equal(await d.stores.cold.stuck.countDocuments({}), 0, 'no stuck deletion at all');

      const plan = await d.run(['plan', '--json']);
      assert.equal(plan.code, 0, plan.stderr);
      const keys = (
        JSON.parse(plan.stdout) as { heldBack: Array<{ constraint: string; onDelete: string; tickets: number }> }
      ).heldBack;
      const key = (name: string) => keys.find((k) => k.constraint === name);
      assert.equal(key(shape.restricting.constraint)?.onDelete, 'no action', plan.stdout);
      assert.equal(key('test_ticket_watchers_ticket_id_fkey')?.onDelete, 'cascade', plan.stdout);
      // Counted (fewer than the ceiling): exactly the tickets each key holds that are cold by time.
      const restricted = [...pre.restricted, ...ev.restricted].length;
      assert.equal(key(shape.restricting.constraint)?.tickets, restricted, plan.stdout);
      assert.equal(key('test_ticket_watchers_ticket_id_fkey')?.tickets, watched.length, plan.stdout);
      for (const k of keys) assert.ok(Number.isInteger(k.tickets) && k.tickets >= 0, JSON.stringify(k));
    });

    it('restores an archived ticket exactly, and keeps it hot through its hold', async () => {
      const id = ev.cold[0] as string;
      const res = await d.run(['restore', id, '--hold', '1h']);
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual((await d.rows([id])).get(id), expected.get(id), 'the row exactly as it was');
      assert.equal((await d.archived([id])).size, 0, 'its archive is gone');
      // The restore's insert reaches the archiver as an event of a cold ticket; the sweep sees it too.
      await d.consumed();
      const reconciled = await d.run(['reconcile', '--once']);
      assert.equal(reconciled.code, 0, reconciled.stderr.slice(-3000));
      assert.equal((await d.hot([id])).size, 1, 'held hot');
    });

    it('keeps a ticket hot when it changes between copy and delete (xmin)', async () => {
      const id = (edited = await insert(false, OLD));
      // A business transaction that adds a child row holds a key-share lock on the ticket: the move's delete skips
      // the row, and the same transaction then edits the ticket (a new xmin) before it commits.
      const business = await d.stores.db.connect();
      try {
        await business.query('BEGIN');
        await business.query(`SELECT 1 FROM ${shape.table} WHERE id = $1 FOR KEY SHARE`, [id]);
        await shape.close(d.stores.db, id, OLD);
        await waitFor(
          'its copy in the cold store',
          async () => (await d.stores.cold.tickets.countDocuments({ _id: Long.fromString(id) })) === 1,
          60_000,
          100,
        );
        assert.equal((await d.hot([id])).size, 1, 'not deleted while locked');
        assert.equal((await d.archived([id])).size, 0, 'and its copy is no archive');
        await shape.touch(business, id, 'edited after the copy');
        await business.query('COMMIT');
      } finally {
        business.release();
      }
      const doc = await waitFor(
        'the edited version archived',
        async () => (await d.hot([id])).size === 0 && (await d.archived([id])).get(id),
        120_000,
      );
      assert.equal(doc.row[shape.touchColumn], 'edited after the copy', 'the archive is of the version deleted');
    });

    it('reads the archive through the read API: a ticket and a list, tier=cold', async () => {
      await d.serve(async (base) => {
        const get = async (path: string) => {
          const res = await fetch(`${base}${path}`);
          return { status: res.status, body: (await res.json()) as Record<string, unknown> };
        };
        const id = ev.cold[1] as string;
        const cold = await get(`/tickets/${id}?tier=cold`);
        assert.equal(cold.status, 200, JSON.stringify(cold.body));
        assert.equal(cold.body.tier, 'cold');
        const t = cold.body.ticket as Record<string, unknown>;
        assert.equal(String(t.id), id);
        const listColumn = d.spec.lists.find((l) => l.name === shape.list)?.column ?? '';
        assert.equal(String(t[listColumn]), String(LIST_VALUE));
        const hot = await get(`/tickets/${id}`);
        assert.equal(hot.status, 404, JSON.stringify(hot.body));
        assert.equal(hot.body.tier, 'cold', 'the answer says where it is');

        const list = await get(`/lists/${shape.list}/${LIST_VALUE}/tickets?tier=cold&limit=500`);
        assert.equal(list.status, 200, JSON.stringify(list.body));
        const listed = new Set((list.body.tickets as Array<{ id: unknown }>).map((x) => String(x.id)));
        const archived = [...(await d.archived([...ev.cold, ...pre.cold, edited])).keys()];
        assert.deepEqual([...listed].sort(), archived.sort(), 'the list holds exactly the archived ones');
      });
    });

    it('verify passes', async () => {
      const v = await d.run(['verify'], {}, 300_000);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.match(v.stdout, /verify: OK/);
    });
  });
}
