import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAULT_KINDS, randomSchedule } from '../faults/randomSchedule.ts';

describe('random fault schedule', () => {
  it('is the same for the same seed and differs for another', () => {
    assert.deepEqual(randomSchedule(42, 3_600_000, 180_000), randomSchedule(42, 3_600_000, 180_000));
    assert.notDeepEqual(randomSchedule(42, 3_600_000, 180_000), randomSchedule(43, 3_600_000, 180_000));
  });
  it('strikes within the duration, in order, spaced, with every kind and some combinations over a long run', () => {
    const strikes = randomSchedule(7, 10 * 3_600_000, 180_000);
    assert.ok(
      strikes.every((s, i) => s.atMs < 10 * 3_600_000 && (i === 0 || s.atMs - (strikes[i - 1]?.atMs ?? 0) >= 20_000)),
    );
    const kinds = new Set(strikes.flatMap((s) => s.kinds));
    assert.deepEqual([...kinds].sort(), [...FAULT_KINDS].sort());
    assert.ok(
      strikes.some((s) => s.kinds.length > 1),
      'faults together',
    );
    const fleet = ['kill-archiver', 'rebalance-storm', 'redelivery'];
    assert.ok(
      strikes.every((s) => s.kinds.filter((k) => fleet.includes(k)).length <= 1),
      'one fleet fault per strike',
    );
    assert.ok(strikes.every((s) => new Set(s.kinds).size === s.kinds.length));
  });
  it('meets every kind in an hour at the default pace, whatever the seed', () => {
    for (const seed of [1, 2, 3, 42, 1234, 99999]) {
      const strikes = randomSchedule(seed, 3_600_000, 180_000);
      const kinds = new Set(strikes.flatMap((s) => s.kinds));
      assert.deepEqual([...kinds].sort(), [...FAULT_KINDS].sort(), `seed ${seed}: ${strikes.length} strikes`);
    }
  });
});
