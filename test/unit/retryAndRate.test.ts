import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MoveRateLimiter } from '../../services/core/rateLimit.ts';
import { RetryAbandonedError } from '../../services/core/errors.ts';
import { backoffDelay, withRetry } from '../../services/core/retry.ts';

describe('withRetry', () => {
  it('retries until success with growing, capped delays', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      () => (++calls < 4 ? Promise.reject(new Error('down')) : Promise.resolve('ok')),
      { initialDelayMs: 100, maxDelayMs: 300, factor: 2 },
      { sleep: (ms) => Promise.resolve(delays.push(ms)) },
    );
    assert.equal(result, 'ok');
    assert.equal(calls, 4);
    assert.equal(delays.length, 3);
    assert.ok(
      delays.every((d, i) => d <= [100, 200, 300][i]! && d >= [50, 100, 150][i]!),
      delays.join(','),
    );
  });
  it('rethrows permanent errors at once and abandons when told to stop', async () => {
    await assert.rejects(
      withRetry(
        () => Promise.reject(new Error('bad')),
        { initialDelayMs: 1, maxDelayMs: 1, factor: 1 },
        { isRetriable: () => false },
      ),
      /bad/,
    );
    let live = true;
    await assert.rejects(
      withRetry(
        () => Promise.reject(new Error('down')),
        { initialDelayMs: 1, maxDelayMs: 1, factor: 1 },
        {
          shouldContinue: () => live,
          sleep: () => Promise.resolve((live = false)),
        },
      ),
      RetryAbandonedError,
    );
  });
  it('jitters between half and all of the capped exponential delay', () => {
    const p = { initialDelayMs: 1000, maxDelayMs: 5000, factor: 2 };
    assert.equal(
      backoffDelay(p, 1, () => 0),
      500,
    );
    assert.equal(
      backoffDelay(p, 1, () => 0.999999),
      1000,
    );
    assert.equal(
      backoffDelay(p, 10, () => 0.999999),
      5000,
    );
  });
});

describe('MoveRateLimiter', () => {
  it('spreads moves to the configured rate', async () => {
    let now = 0;
    const limiter = new MoveRateLimiter({ cap: 100, now: () => now, wait: (ms) => Promise.resolve((now += ms)) });
    for (let i = 0; i < 10; i++) await limiter.take(50);
    // 500 moves at 100/s, one second of burst: about 4 seconds.
    assert.ok(now >= 3900 && now <= 4100, `took ${now} ms`);
  });
  it('does not wait when unlimited', async () => {
    const limiter = new MoveRateLimiter({
      cap: 0,
      now: () => 0,
      wait: () => Promise.reject(new Error('must not wait')),
    });
    await limiter.take(1_000_000);
  });
});
