// The throttle's decisions: slower while the hot database is past a bound, paused far past it, faster again after.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MoveRateLimiter } from '../../services/core/rateLimit.ts';
import { RetryAbandonedError } from '../../services/core/errors.ts';
import { nextThrottle, OPEN, type ThrottleBounds } from '../../services/core/throttle.ts';

const bounds: ThrottleBounds = { probeMs: 10, lockWaits: 5, replicaLagMs: 10_000, minRate: 20, step: 20 };
const healthy = { probeMs: 2, lockWaits: 0, replicaLagMs: 0 };

describe('nextThrottle', () => {
  it('stays open while the database is within its bounds', () => {
    assert.deepEqual(nextThrottle(OPEN, healthy, bounds, 900), OPEN);
  });
  it('halves what was really moved when a bound is passed, and names the measure', () => {
    const s = nextThrottle(OPEN, { ...healthy, probeMs: 15 }, bounds, 900);
    assert.deepEqual([s.mode, s.rate], ['slowed', 450]);
    assert.match(s.reason ?? '', /probe 15\.0 ms \(bound 10 ms\)/);
    const again = nextThrottle(s, { ...healthy, lockWaits: 7 }, bounds, 450);
    assert.deepEqual([again.mode, again.rate], ['slowed', 225]);
    assert.match(again.reason ?? '', /7 sessions waiting for locks/);
  });
  it('pauses at twice a bound, or when halving would go below the minimum rate', () => {
    assert.equal(nextThrottle(OPEN, { ...healthy, replicaLagMs: 25_000 }, bounds, 900).mode, 'paused');
    assert.equal(nextThrottle({ mode: 'slowed', rate: 30 }, { ...healthy, probeMs: 12 }, bounds, 30).mode, 'paused');
    assert.equal(
      nextThrottle(OPEN, { ...healthy, probeMs: Number.POSITIVE_INFINITY }, bounds, 0).mode,
      'paused',
      'an unreachable database',
    );
  });
  it('speeds up step by step once healthy, and opens when the rate no longer holds anything back', () => {
    let s = nextThrottle({ mode: 'paused', rate: 0 }, healthy, bounds, 0);
    assert.deepEqual([s.mode, s.rate], ['slowed', 20]);
    s = nextThrottle(s, healthy, bounds, 20);
    assert.deepEqual([s.mode, s.rate], ['slowed', 40]);
    assert.deepEqual(
      nextThrottle({ mode: 'slowed', rate: 400 }, healthy, bounds, 50),
      OPEN,
      'the movers use far less than allowed',
    );
  });
});

describe('MoveRateLimiter with the throttle', () => {
  it('waits while paused and follows the allowed rate below the cap', async () => {
    let now = 0;
    let allowed = 0;
    const waits: number[] = [];
    const limiter = new MoveRateLimiter({
      cap: 1000,
      now: () => now,
      wait: (ms) => {
        waits.push(ms);
        now += ms;
        if (now >= 1000) allowed = 100;
        return Promise.resolve();
      },
      allowed: () => allowed,
    });
    await limiter.take(50);
    assert.ok(now >= 1000, `paused until the throttle allowed moves (${now} ms)`);
    const resumed = now;
    for (let i = 0; i < 4; i++) await limiter.take(50);
    assert.ok(now - resumed >= 1900 && now - resumed <= 2600, `200 more moves at 100/s took ${now - resumed} ms`);
  });
});

describe('MoveRateLimiter when the mover stops', () => {
  it('gives up a paused wait once stopping, so shutdown is not held by the throttle', async () => {
    let now = 0;
    let stopping = false;
    const limiter = new MoveRateLimiter({
      cap: 0,
      now: () => now,
      wait: (ms) => {
        now += ms;
        if (now >= 5000) stopping = true;
        return Promise.resolve();
      },
      allowed: () => 0,
      stopping: () => stopping,
    });
    await assert.rejects(limiter.take(500), RetryAbandonedError);
    assert.ok(now >= 5000 && now <= 5250, `gave up within one poll of stopping (${now} ms)`);
  });
  it('still lets a batch through without waiting while stopping (tokens at hand)', async () => {
    const limiter = new MoveRateLimiter({
      cap: 1000,
      now: () => 0,
      wait: () => Promise.reject(new Error('must not wait')),
      stopping: () => true,
    });
    await limiter.take(500);
    await assert.rejects(limiter.take(600), RetryAbandonedError);
  });
});
