// The throttle's decisions: slower while the hot database is past a bound, paused far past it, faster again after;
// moves paused while the commits' quiet baseline is measured, the state before it kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from 'pino';
import { MoveRateLimiter } from '../../services/core/rateLimit.ts';
import { RetryAbandonedError } from '../../services/core/errors.ts';
import { nextThrottle, OPEN, type HealthSample, type ThrottleBounds } from '../../services/core/throttle.ts';
import type { Lifecycle } from '../../services/runtime/lifecycle.ts';
import { throttleLoop } from '../../services/runtime/throttleLoop.ts';

const bounds: ThrottleBounds = {
  probeMs: 10,
  lockWaits: 5,
  replicaLagMs: 10_000,
  commitSlowdown: 1.2,
  minRate: 20,
  step: 20,
};
const healthy: HealthSample = { probeMs: 2, lockWaits: 0, replicaLagMs: 0, commitMs: [] };

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

describe('nextThrottle on commits', () => {
  it('slows when commits are past their quiet latency by more than the bound, and names the measure', () => {
    const s = nextThrottle(OPEN, healthy, bounds, 900, { ratio: 2, feltMs: 4, quietMs: 2 });
    assert.deepEqual([s.mode, s.rate], ['slowed', 450]);
    assert.match(s.reason ?? '', /commits 2\.0x their quiet latency \(p90 4\.0 ms vs 2\.0 ms, bound 1\.2x\)/);
    assert.equal(nextThrottle(OPEN, healthy, bounds, 900, { ratio: 1.1, feltMs: 2.2, quietMs: 2 }), OPEN);
    assert.equal(nextThrottle(OPEN, healthy, bounds, 900, { ratio: 2.5, feltMs: 5, quietMs: 2 }).mode, 'paused');
  });
  it('holds a lowered rate while too few commits were timed at it, unless another bound is passed', () => {
    const slowed = { mode: 'slowed' as const, rate: 200 };
    assert.deepEqual(nextThrottle(slowed, healthy, bounds, 200, 'settling'), slowed);
    assert.equal(nextThrottle(slowed, { ...healthy, lockWaits: 7 }, bounds, 200, 'settling').rate, 100);
    assert.equal(nextThrottle(slowed, healthy, bounds, 200, undefined).rate, 220, 'no baseline: not a measure');
  });
});

describe('throttleLoop', () => {
  const EVERY = 300_000;
  /** A loop on a clock the test moves, its readings run by hand, every reading's commits taking `commitMs`. */
  function loop(commitMs: () => number, commitSlowdown = bounds.commitSlowdown) {
    const clock = { t: 1_000 * EVERY + 60_000 };
    let tick: () => Promise<unknown> = () => Promise.resolve();
    const life = { every: (_ms: number, task: () => Promise<unknown>) => (tick = task), stopping: () => false };
    const quiet = () => undefined;
    const log = { info: quiet, warn: quiet, debug: quiet } as unknown as Logger;
    const moved = { n: 0 };
    const timed = { n: 0 };
    const l = throttleLoop(
      {
        enabled: true,
        bounds: { ...bounds, commitSlowdown },
        intervalMs: 1000,
        baseline: { everyMs: EVERY, windowMs: 4000, floorMs: 1 },
        sample: (commits: number) => {
          timed.n += commits;
          return Promise.resolve({ ...healthy, commitMs: Array.from({ length: commits }, commitMs) });
        },
        moved: () => moved.n,
        log,
        now: () => clock.t,
      },
      life as unknown as Lifecycle,
    );
    const reading = async (afterMs = 1000) => {
      clock.t += afterMs;
      moved.n += 500;
      await tick();
    };
    return { clock, l, reading, timed, tick: () => tick() };
  }

  it('measures the quiet baseline before the first move, then steers on commits against it', async () => {
    let ms = 2;
    const { l, reading, tick } = loop(() => ms);
    assert.equal(l.allowed(), 0, 'no move before the baseline');
    assert.equal(l.state().reason, 'measuring quiet commit latency');
    await tick();
    assert.equal(l.allowed(), Number.POSITIVE_INFINITY, 'thirty commits timed at once: the moves start');
    for (let i = 0; i < 3; i++) await reading();
    assert.equal(l.state().mode, 'open');
    ms = 5;
    for (let i = 0; i < 3 && l.state().mode === 'open'; i++) await reading();
    assert.equal(l.state().mode, 'paused', '2.5x quiet, over twice the bound of 1.2x');
    assert.match(l.state().reason ?? '', /^commits 2\.5x their quiet latency/);
    ms = 2;
    for (let i = 0; i < 4; i++) await reading();
    assert.equal(l.state().mode, 'slowed', 'commits fast again, timed after the pause: moves resume');
  });

  it('pauses moves in the aligned window and gives back the state it had before', async () => {
    const { clock, l, reading, tick } = loop(() => 2);
    await tick();
    for (let i = 0; i < 4; i++) await reading();
    assert.equal(l.state().mode, 'open');
    clock.t = 1_001 * EVERY;
    assert.equal(l.allowed(), 0, 'at the slot, before any reading');
    assert.deepEqual(l.state(), { mode: 'paused', rate: 0, reason: 'measuring quiet commit latency' });
    await reading();
    assert.equal(l.allowed(), 0);
    await reading(3000);
    assert.equal(l.allowed(), Number.POSITIVE_INFINITY, 'open again after the window');
    assert.equal(l.state().mode, 'open');
  });
  it('without a commit bound (the default) times no commit and never pauses for a quiet window', async () => {
    const { clock, l, reading, timed, tick } = loop(() => 50, 0);
    assert.equal(l.allowed(), Number.POSITIVE_INFINITY, 'moves start at once');
    await tick();
    clock.t = 1_001 * EVERY;
    assert.equal(l.allowed(), Number.POSITIVE_INFINITY, 'no window at the slot');
    for (let i = 0; i < 5; i++) await reading();
    assert.equal(l.state().mode, 'open', 'slow commits are not a measure when not asked for');
    assert.equal(timed.n, 0, 'no commit timed, so no probe message in the WAL');
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
