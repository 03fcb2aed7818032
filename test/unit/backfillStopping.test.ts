// A backfill told to stop while the throttle holds its next page back ends cleanly: that page is neither moved nor
// saved as done, so the next run starts with it. A page that fails on what retrying cures (a store away) is tried
// again rather than the backfill stopped; one refused for good stops it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { runBackfill, type BackfillDeps } from '../../services/backfill/backfill.ts';
import { RetryAbandonedError, StoreRefusedError, StoreUnavailableError } from '../../services/core/errors.ts';
import type { BackfillSlice } from '../../services/edges/coldStore/index.ts';
import type { ClosedTicket } from '../../services/edges/hotStore/index.ts';

const ticket = (id: string): ClosedTicket => ({
  id,
  version: '1',
  lastOperatedAt: '2025-01-01 00:00:00+00',
  lastOperatedAtInstant: '2025-01-01 00:00:00+00',
  movable: true,
});

function slice(): BackfillSlice {
  const at = new Date(0);
  return {
    _id: 'b/000',
    backfill: 'b',
    kind: 'move',
    from: '2024-01-01 00:00:00+00',
    to: '2026-01-01 00:00:00+00',
    after: null,
    done: false,
    read: 0,
    handled: 0,
    startedAt: at,
    updatedAt: at,
  };
}

function depsWith(over: Partial<BackfillDeps>): BackfillDeps {
  return {
    name: 'b',
    workers: 1,
    indexes: 1,
    index: 0,
    pageSize: 2,
    coldAfterMs: 86_400_000,
    dryRun: false,
    closed: { inRange: () => Promise.resolve([ticket('1'), ticket('2')]) } as unknown as BackfillDeps['closed'],
    progress: {
      slicesOf: () => Promise.resolve([slice()]),
      planOnce: () => Promise.resolve(false),
      save: () => Promise.resolve(),
    },
    move: () => Promise.reject(new RetryAbandonedError('abandoned')),
    setTimers: () => Promise.resolve(),
    partitionOf: () => 0,
    stopped: () => false,
    retry: { initialDelayMs: 1, maxDelayMs: 1, factor: 1 },
    log: pino({ level: 'silent' }),
    ...over,
  };
}

describe('runBackfill when stopped during a held-back move', () => {
  it('returns incomplete without saving the page it did not move', async () => {
    let stopped = false;
    const saved: BackfillSlice[] = [];
    const summary = await runBackfill(
      depsWith({
        progress: {
          slicesOf: () => Promise.resolve([slice()]),
          planOnce: () => Promise.resolve(false),
          save: (s) => Promise.resolve(void saved.push({ ...s })),
        },
        move: () => {
          stopped = true; // SIGTERM arrives while the limiter waits on a paused throttle
          return Promise.reject(new RetryAbandonedError('the mover is stopping'));
        },
        stopped: () => stopped,
      }),
    );
    assert.equal(summary.complete, false);
    assert.equal(saved.length, 0, 'no progress saved past the page that was not moved');
    assert.equal(summary.slices[0]?.after, null);
  });
  it('still fails loudly on the same error when not stopping', async () => {
    await assert.rejects(runBackfill(depsWith({})), RetryAbandonedError);
  });
});

describe('runBackfill when a store fails under a page', () => {
  const moving = (fail: () => Error | undefined) => {
    const moved: string[] = [];
    const saved: BackfillSlice[] = [];
    const deps = depsWith({
      closed: {
        inRange: (_r: unknown, after: unknown) => Promise.resolve(after ? [] : [ticket('1'), ticket('2')]),
      } as unknown as BackfillDeps['closed'],
      progress: {
        slicesOf: () => Promise.resolve([slice()]),
        planOnce: () => Promise.resolve(false),
        save: (s) => Promise.resolve(void saved.push({ ...s })),
      },
      move: (candidates) => {
        const err = fail();
        if (err) return Promise.reject(err);
        moved.push(...candidates.map((c) => c.id));
        return Promise.resolve(candidates.map((c) => ({ id: c.id, version: c.version, outcome: 'archived' as const })));
      },
    });
    return { deps, moved, saved };
  };

  it('tries the page again after a transient failure and completes', async () => {
    let calls = 0;
    const { deps, moved, saved } = moving(() =>
      ++calls <= 2 ? new StoreUnavailableError('cold store', 'server monitor timeout') : undefined,
    );
    const summary = await runBackfill(deps);
    assert.equal(summary.complete, true);
    assert.deepEqual(moved, ['1', '2'], 'moved once the store answered');
    assert.equal(calls, 3);
    assert.equal(saved.at(-1)?.done, true);
  });

  it('stops on a refusal retrying cannot cure, the page not saved', async () => {
    const { deps, saved } = moving(() => new StoreRefusedError('cold store', 'document too large'));
    await assert.rejects(runBackfill(deps), StoreRefusedError);
    assert.equal(saved.length, 0);
  });
});
