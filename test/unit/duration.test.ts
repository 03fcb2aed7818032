import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../../services/core/duration.ts';

describe('parseDuration', () => {
  it('reads every unit', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('10s'), 10_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('2h'), 7_200_000);
    assert.equal(parseDuration('30d'), 2_592_000_000);
  });
  it('refuses what is not a duration', () => {
    for (const bad of ['soon', '', '10', 's10', '1.5d', '-3s', '10 years', '10sec']) {
      assert.equal(parseDuration(bad), undefined, bad);
    }
  });
});
