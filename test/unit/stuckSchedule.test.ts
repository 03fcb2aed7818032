import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextStuckAttempt } from '../../services/core/move/stuckSchedule.ts';

const policy = { baseMs: 1000, maxMs: 60_000, maxPermanentAttempts: 3 };

describe('nextStuckAttempt', () => {
  it('backs off exponentially with jitter for transient failures, without ever escalating', () => {
    const at = (attempts: number, r: number) =>
      nextStuckAttempt(attempts, 'transient', policy, 0, () => r).nextAttemptAt.getTime();
    assert.equal(at(1, 0.999999), 1000);
    assert.equal(at(3, 0.999999), 4000);
    assert.equal(at(20, 0.999999), 60_000);
    assert.ok(at(3, 0) >= 2000 && at(3, 0) < 4000);
    assert.equal(nextStuckAttempt(500, 'transient', policy, 0).escalated, false);
  });
  it('escalates a permanent failure after the configured attempts', () => {
    assert.equal(nextStuckAttempt(2, 'permanent', policy, 0).escalated, false);
    assert.equal(nextStuckAttempt(3, 'permanent', policy, 0).escalated, true);
  });
});
