import assert from 'node:assert/strict';
import { test } from 'node:test';
import { afterPoll, FULL_SCAN_EVERY_MS, MAX_BUCKETS_PER_POLL, TIMER_BUCKET_MS, timerBucket, timerPoll } from '../../services/core/timerBuckets.ts';

const t0 = Date.parse('2026-11-22T02:00:00.000Z');

test('timerBucket is the 10-second slot a timer falls due in', () => {
  assert.equal(timerBucket(new Date(t0)), t0 / TIMER_BUCKET_MS);
  assert.equal(timerBucket(t0 + TIMER_BUCKET_MS - 1), t0 / TIMER_BUCKET_MS);
  assert.equal(timerBucket(t0 + TIMER_BUCKET_MS), t0 / TIMER_BUCKET_MS + 1);
});

test('a partition just assigned is scanned whole', () => {
  assert.deepEqual(timerPoll(undefined, t0), { kind: 'full' });
});

test('later polls read the buckets since the last one, and the one before it', () => {
  const polled = afterPoll(undefined, { kind: 'full' }, t0);
  const b = timerBucket(t0);
  assert.deepEqual(timerPoll(polled, t0 + 1000), { kind: 'buckets', buckets: [b - 1, b] });
  assert.deepEqual(timerPoll(polled, t0 + 2 * TIMER_BUCKET_MS), { kind: 'buckets', buckets: [b - 1, b, b + 1, b + 2] });
});

test('a bucket poll keeps the time of the last whole scan, which comes back once a minute', () => {
  const full = afterPoll(undefined, { kind: 'full' }, t0);
  const later = afterPoll(full, { kind: 'buckets', buckets: [] }, t0 + 30_000);
  assert.equal(later.fullScanAtMs, t0);
  assert.equal(later.polledBucket, timerBucket(t0 + 30_000));
  assert.deepEqual(timerPoll(later, t0 + FULL_SCAN_EVERY_MS), { kind: 'full' });
});

test('after a long gap the partition is scanned whole instead of bucket by bucket', () => {
  const polled = { polledBucket: timerBucket(t0), fullScanAtMs: t0 + 10 * 60_000 };
  assert.deepEqual(timerPoll(polled, t0 + (MAX_BUCKETS_PER_POLL + 1) * TIMER_BUCKET_MS), { kind: 'full' });
});
