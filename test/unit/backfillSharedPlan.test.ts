// A backfill shared by several processes (a Kubernetes Indexed Job's pods): planned once however many start at once,
// each index its own disjoint slices, resumable where each stopped; every cold ticket moved once, none missed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { runBackfill, type BackfillDeps } from '../../services/backfill/backfill.ts';
import { sharedPlan, type PlanStore } from '../../services/backfill/sharedPlan.ts';
import { BackfillPlanError } from '../../services/core/errors.ts';
import type { BackfillSlice } from '../../services/edges/coldStore/index.ts';
import type { ClosedTicket } from '../../services/edges/hotStore/index.ts';

const DAY = 86_400_000;
const COLD_BEFORE = Date.parse('2026-06-01T00:00:00Z');

/** Closed tickets one every 37 minutes over a year, the last 30 days of them not yet cold. */
function table(count: number): ClosedTicket[] {
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(COLD_BEFORE - 335 * DAY + i * 37 * 60_000).toISOString();
    return { id: String(i + 1), version: '1', lastOperatedAt: at, lastOperatedAtInstant: at, movable: true };
  });
}

/** The index of candidates as the hot store pages it: [from, to) by activity then key, after a position. */
function closedOver(rows: ClosedTicket[]): BackfillDeps['closed'] {
  const key = (t: { lastOperatedAt: string; id: string }) => [Date.parse(t.lastOperatedAt), Number(t.id)] as const;
  const before = (a: readonly [number, number], b: readonly [number, number]) =>
    a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  // Each planner reads the database's clock a little later (here: a day earlier a call, so that two plans would cut elsewhere).
  let calls = 0;
  const fake = {
    bounds: () => {
      const coldBefore = new Date(COLD_BEFORE - DAY * calls++).toISOString();
      return Promise.resolve({ oldest: rows[0]?.lastOperatedAt ?? null, coldBefore });
    },
    inRange: (
      range: { from: string; to: string },
      after: { lastOperatedAt: string; id: string } | undefined,
      n: number,
    ) => {
      const from = range.from === 'infinity' ? Infinity : Date.parse(range.from);
      const to = range.to === 'infinity' ? Infinity : Date.parse(range.to);
      const page = rows.filter((t) => {
        const at = Date.parse(t.lastOperatedAt);
        return at >= from && at < to && (!after || before(key(after), key(t)));
      });
      return Promise.resolve(page.slice(0, n));
    },
  };
  return fake as unknown as BackfillDeps['closed'];
}

/** The cold store's backfills collection: an ordered insert that stops at the first key taken. */
class SliceStore implements PlanStore {
  readonly saved = new Map<string, BackfillSlice>();
  slicesOf(backfill: string) {
    const all = [...this.saved.values()].filter((s) => s.backfill === backfill);
    return Promise.resolve(all.sort((a, b) => a._id.localeCompare(b._id)).map((s) => ({ ...s })));
  }
  async planOnce(slices: BackfillSlice[]) {
    for (const s of slices) {
      if (this.saved.has(s._id)) return false;
      this.saved.set(s._id, { ...s });
      await Promise.resolve(); // slice by slice, so a racing reader may see part of the plan
    }
    return true;
  }
  save(slice: BackfillSlice) {
    this.saved.set(slice._id, { ...slice });
    return Promise.resolve();
  }
}

function pod(
  index: number,
  indexes: number,
  store: SliceStore,
  closed: BackfillDeps['closed'],
  moved: string[],
  over: Partial<BackfillDeps> = {},
): BackfillDeps {
  return {
    name: 'initial',
    workers: 2,
    indexes,
    index,
    pageSize: 50,
    coldAfterMs: 30 * DAY,
    dryRun: false,
    closed,
    progress: store,
    move: (candidates) => {
      moved.push(...candidates.map((c) => c.id));
      return Promise.resolve(candidates.map((c) => ({ id: c.id, version: c.version, outcome: 'archived' as const })));
    },
    setTimers: () => Promise.resolve(),
    partitionOf: () => 0,
    stopped: () => false,
    retry: { initialDelayMs: 1, maxDelayMs: 1, factor: 1 },
    log: pino({ level: 'silent' }),
    ...over,
  };
}

/** The tickets cold by the plan that was saved: before its timers slice. */
function cold(rows: ClosedTicket[], store: SliceStore): string[] {
  const timers = [...store.saved.values()].find((s) => s.kind === 'timers');
  const before = Date.parse(timers?.from ?? '');
  return rows.filter((t) => Date.parse(t.lastOperatedAt) < before).map((t) => t.id);
}

describe('a backfill shared by the indexes of a Job', () => {
  it('is planned once when every index starts at once, and each cold ticket is moved once by one index', async () => {
    const rows = table(12_000);
    const closed = closedOver(rows);
    const store = new SliceStore();
    const moved: string[] = [];
    const summaries = await Promise.all([0, 1, 2, 3].map((i) => runBackfill(pod(i, 4, store, closed, moved))));
    assert.ok(summaries.every((s) => s.complete));
    const slices = [...store.saved.values()];
    assert.equal(slices.length, 4 * 2 + 1, 'one plan: 2 move slices per index and the timers');
    assert.deepEqual([...new Set(slices.map((s) => s.index))].sort(), [0, 1, 2, 3]);
    for (const s of summaries) assert.ok(s.slices.length >= 2, 'every index works its own slices');
    assert.equal(moved.length, new Set(moved).size, 'no ticket moved twice');
    assert.deepEqual([...moved].sort(), cold(rows, store).sort(), 'every cold ticket moved');
  });

  it('resumes each index where it stopped: killed midway and started again, nothing twice, nothing missed', async () => {
    const rows = table(9_000);
    const closed = closedOver(rows);
    const store = new SliceStore();
    const moved: string[] = [];
    let pages = 0;
    // Index 1 stops after 5 pages (as a pod killed between pages); the others finish.
    const first = await Promise.all(
      [0, 1, 2].map((i) => runBackfill(pod(i, 3, store, closed, moved, i === 1 ? { stopped: () => ++pages > 5 } : {}))),
    );
    assert.deepEqual(
      first.map((s) => s.complete),
      [true, false, true],
    );
    const again = await runBackfill(pod(1, 3, store, closed, moved));
    assert.ok(again.complete);
    assert.equal(moved.length, new Set(moved).size, 'the restarted index moved nothing already moved');
    assert.deepEqual([...moved].sort(), cold(rows, store).sort());
  });

  it('refuses a plan counted for another number of indexes rather than leave slices to no one', async () => {
    const rows = table(1_000);
    const closed = closedOver(rows);
    const store = new SliceStore();
    await runBackfill(pod(0, 2, store, closed, []));
    await assert.rejects(runBackfill(pod(0, 3, store, closed, [])), (err: unknown) => {
      assert.ok(err instanceof BackfillPlanError);
      assert.match(err.message, /planned for 2 process\(es\).*BACKFILL_INDEXES=3/);
      return true;
    });
  });

  it('waits for a plan another index is saving, and names one left incomplete', async () => {
    const store = new SliceStore();
    const target = { name: 'initial', index: 1, indexes: 2, dryRun: false };
    const partial = {
      _id: 'initial/000',
      backfill: 'initial',
      kind: 'move',
      from: 'a',
      to: 'b',
      after: null,
      done: false,
      read: 0,
      handled: 0,
      startedAt: new Date(),
      updatedAt: new Date(),
      index: 0,
      indexes: 2,
      planned: 3,
    } as const;
    await store.save({ ...partial });
    await assert.rejects(
      sharedPlan(store, target, () => Promise.resolve([]), 300),
      /has 1 of 3 slices/,
    );
    setTimeout(() => {
      void store.save({ ...partial, _id: 'initial/001', index: 1 });
      void store.save({ ...partial, _id: 'initial/002', kind: 'timers' });
    }, 100);
    const plan = await sharedPlan(store, target, () => Promise.resolve([]), 5_000);
    assert.equal(plan.planned, false);
    assert.deepEqual(
      plan.mine.map((s) => s._id),
      ['initial/001'],
    );
  });

  it('resumes a plan saved before plans had indexes as the single process it was made for', async () => {
    const store = new SliceStore();
    const old = {
      _id: 'b/000',
      backfill: 'b',
      kind: 'move',
      from: 'a',
      to: 'b',
      after: null,
      done: true,
      read: 0,
      handled: 0,
      startedAt: new Date(),
      updatedAt: new Date(),
    } as const;
    await store.save({ ...old });
    const plan = await sharedPlan(store, { name: 'b', index: 0, indexes: 1, dryRun: false }, () =>
      Promise.reject(new Error('planned again')),
    );
    assert.deepEqual(
      plan.mine.map((s) => s._id),
      ['b/000'],
    );
  });
});
