// A backfill told to stop while the throttle holds its next page back ends cleanly: that page is neither moved nor
// saved as done, so the next run starts with it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { runBackfill, type BackfillDeps } from '../../services/backfill/backfill.ts';
import { RetryAbandonedError } from '../../services/core/errors.ts';
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
