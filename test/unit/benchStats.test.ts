import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distribution, percentile, spread, windowRates } from '../bench/stats.ts';
import { pausedSecondsBefore } from '../bench/trafficWindows.ts';

test('percentile is nearest-rank over the sorted values', () => {
  const v = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(v, 50), 50);
  assert.equal(percentile(v, 99), 99);
  assert.equal(percentile(v, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('distribution sorts its input and reports p50, p95, p99, max and mean', () => {
  const d = distribution([5, 1, 4, 2, 3, 100, 6, 7, 8, 9]);
  assert.deepEqual(
    { p50: d.p50, p95: d.p95, p99: d.p99, max: d.max, count: d.count },
    { p50: 5, p95: 100, p99: 100, max: 100, count: 10 },
  );
  assert.equal(d.mean, 14.5);
});

test('spread reports the median and the extremes of repeated runs', () => {
  assert.deepEqual(spread([300, 280, 310]), { median: 300, min: 280, max: 310, runs: [300, 280, 310] });
});

test('windowRates interpolates the cumulative count at window edges', () => {
  const samples = [
    { atMs: 0, done: 0 },
    { atMs: 30_000, done: 3000 },
    { atMs: 90_000, done: 6000 },
    { atMs: 120_000, done: 6000 },
  ];
  const w = windowRates(samples, 60_000);
  assert.equal(w.length, 2);
  // 0..60 s: 3000 + half of the next 3000 = 4500 in 60 s
  assert.equal(w[0]?.perSecond, 75);
  // 60..120 s: 6000 - 4500 = 1500 in 60 s
  assert.equal(w[1]?.perSecond, 25);
});

test('windowRates drops a final sliver shorter than a quarter window', () => {
  const w = windowRates(
    [
      { atMs: 0, done: 0 },
      { atMs: 61_000, done: 610 },
    ],
    60_000,
  );
  assert.equal(w.length, 1);
});

test('pausedSecondsBefore counts only the quiet windows before the run ended, cut at its end', () => {
  const alt = {
    quiet: [],
    during: [],
    pausedSeconds: 70,
    pauses: [
      { fromMs: 10_000, toMs: 40_000 },
      { fromMs: 60_000, toMs: 90_000 },
      { fromMs: 100_000, toMs: 110_000 },
    ],
  };
  assert.equal(pausedSecondsBefore(alt, 75_000), 45, 'the first whole, the second up to the end, not the third');
  assert.equal(pausedSecondsBefore(alt, 5_000), 0);
  assert.equal(pausedSecondsBefore(alt, 200_000), 70);
});
