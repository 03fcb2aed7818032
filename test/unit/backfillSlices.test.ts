// How a backfill divides the table: disjoint ranges of last_operated_at that cover it exactly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { slicePosition, splitTimeRange } from '../../services/backfill/slices.ts';
import type { BackfillSlice } from '../../services/edges/coldStore/index.ts';

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
  it("keeps PostgreSQL's own text of the ends (microseconds, BC) and cuts between them", () => {
    const parts = splitTimeRange('0044-03-15 00:00:00.000001+00 BC', '2026-01-02 03:04:05.678901+00', 2);
    assert.equal(parts[0]?.from, '0044-03-15 00:00:00.000001+00 BC');
    assert.equal(parts[1]?.to, '2026-01-02 03:04:05.678901+00');
    assert.match(parts[0]?.to ?? '', /^0991-/, 'the middle of 44 BC and 2026 AD');
  });
  it("keeps one range when an end is PostgreSQL's infinity", () => {
    assert.equal(splitTimeRange('-infinity', '2026-01-02 03:04:05+00', 4).length, 1);
  });
});

describe('slicePosition', () => {
  const slice = (after: string | null, done = false): BackfillSlice => ({
    _id: 'b/000',
    backfill: 'b',
    kind: 'move',
    from: '2026-01-01 00:00:00+00',
    to: '2026-01-03T00:00:00.000Z',
    after: after === null ? null : { lastOperatedAt: after, id: '1' },
    done,
    read: 0,
    handled: 0,
    startedAt: new Date(0),
    updatedAt: new Date(0),
  });
  it('is how far through its time range a slice has read, over both forms of its bounds', () => {
    assert.equal(slicePosition(slice(null), 0), 0);
    assert.equal(slicePosition(slice('2026-01-02 00:00:00.5+00'), 0), 0.5 + 500 / 172_800_000);
    assert.equal(slicePosition(slice('2026-01-02 00:00:00+00', true), 0), 1);
  });
});
