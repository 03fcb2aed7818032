// How a backfill divides the table: disjoint ranges of last_operated_at that cover it exactly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoOf, splitTimeRange } from '../../services/backfill/slices.ts';

describe('splitTimeRange', () => {
  it('splits [from, to) into equal, adjoining ranges that start and end exactly where asked', () => {
    const parts = splitTimeRange('2025-01-01T00:00:00.123456Z', '2025-01-05T00:00:00.000001Z', 4);
    assert.equal(parts.length, 4);
    assert.equal(parts[0]?.from, '2025-01-01T00:00:00.123456Z');
    assert.equal(parts[3]?.to, '2025-01-05T00:00:00.000001Z');
    for (let i = 1; i < parts.length; i++) assert.equal(parts[i]?.from, parts[i - 1]?.to, 'no gap, no overlap');
    assert.ok(Date.parse(parts[1]?.from ?? '') > Date.parse(parts[0]?.from ?? ''), 'ranges move forward');
  });
  it('keeps one range when there is nothing to split', () => {
    assert.deepEqual(splitTimeRange('2025-01-02T00:00:00Z', '2025-01-01T00:00:00Z', 3), [
      { from: '2025-01-02T00:00:00Z', to: '2025-01-01T00:00:00Z' },
    ]);
    assert.equal(splitTimeRange('2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z', 1).length, 1);
  });
  it("reads PostgreSQL's UTC text as ISO-8601 with its microseconds", () => {
    assert.equal(isoOf('2026-01-02 03:04:05.678901+00'), '2026-01-02T03:04:05.678901Z');
  });
});
