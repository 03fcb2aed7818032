// The commits' quiet baseline: clock-aligned windows every instance opens at the same moment, the start's baseline,
// the p90s compared with a floor, and each lowered rate judged on commits timed after it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CommitWatch,
  FELT_KEEP,
  FELT_MIN,
  percentile,
  QUIET_MIN,
  quietWindowAt,
  START_SAMPLES,
} from '../../services/core/commitWatch.ts';

const EVERY = 300_000;
const WINDOW = 4000;

/** A watch on a clock the test moves; started one minute into a slot, outside any window. */
function watched(start = 1_000 * EVERY + 60_000) {
  const clock = { t: start };
  const watch = new CommitWatch(EVERY, WINDOW, 1, () => clock.t);
  return { clock, watch };
}
const times = (count: number, ms: number) => Array.from({ length: count }, () => ms);
const start = (ms: number) => times(START_SAMPLES, ms);
const felt = (ms: number) => times(FELT_MIN, ms);

describe('quietWindowAt', () => {
  it('opens at every multiple of `every` on the wall clock, for `window`, whenever an instance started', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 45 }),
        fc.integer({ min: 2, max: 3_600_000 }),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        (now, every, share) => {
          const window = Math.max(1, Math.floor(every * share));
          const start = quietWindowAt(now, every, window);
          const inside = now % every < window;
          assert.equal(start !== undefined, inside);
          if (start !== undefined) {
            assert.equal(start % every, 0);
            assert.ok(now - start >= 0 && now - start < window);
          }
        },
      ),
    );
  });
});

describe('percentile', () => {
  it('is the nearest rank: at least that share of the values lie at or below it', () => {
    assert.equal(
      percentile(
        [...Array(10).keys()].map((i) => i + 1),
        0.9,
      ),
      9,
    );
    assert.equal(percentile([5, 1, 3], 0.9), 5, 'of fewer than ten, the maximum');
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1 }), (values) => {
        const p = percentile(values, 0.9);
        assert.ok(values.filter((v) => v <= p).length >= Math.ceil(0.9 * values.length));
        assert.ok(values.includes(p));
      }),
    );
  });
});

describe('CommitWatch', () => {
  it('keeps moves waiting at start until a burst of quiet commits is timed, then only in the aligned windows', () => {
    const { clock, watch } = watched();
    assert.equal(watch.quietNow(), true, 'before the first move');
    assert.equal(watch.commitsToTime(), 10, 'more commits a reading while quiet');
    watch.record(times(10, 1), clock.t);
    assert.equal(watch.startingNow(), true);
    watch.record(times(START_SAMPLES - 10, 1), clock.t);
    assert.equal(watch.quietNow(), false, 'a baseline: moves may start');
    assert.equal(watch.commitsToTime(), 3);
    clock.t = 1_001 * EVERY + 10;
    assert.equal(watch.quietNow(), true, 'the next slot');
    clock.t = 1_001 * EVERY + WINDOW;
    assert.equal(watch.quietNow(), false);
  });
  it('ends the start after one window even without commits timed, and at once when none can be', () => {
    const late = watched();
    late.clock.t += WINDOW;
    assert.equal(late.watch.quietNow(), false);
    const refused = watched();
    refused.watch.record([], refused.clock.t);
    assert.equal(refused.watch.quietNow(), false);
  });
  it('compares the p90 while moving with the quiet p90, and replaces the start baseline by the first window', () => {
    const { clock, watch } = watched();
    assert.equal(watch.verdict(), undefined, 'no baseline yet');
    watch.record(start(1), clock.t);
    assert.equal(watch.verdict(), 'settling', 'nothing timed while moving yet');
    watch.record(felt(4), clock.t + 1000);
    assert.deepEqual(watch.verdict(), { ratio: 4, feltMs: 4, quietMs: 1 });
    // The first window's first quarter is left out (moves in flight), the rest replaces the start's samples.
    watch.record(times(QUIET_MIN, 0.5), 1_001 * EVERY + 500);
    assert.equal(watch.quietP90(), 1);
    watch.record(times(QUIET_MIN, 2), 1_001 * EVERY + 1500);
    assert.equal(watch.quietP90(), 2);
    assert.deepEqual(watch.verdict(), { ratio: 2, feltMs: 4, quietMs: 2 });
  });
  it('does not call a sub-millisecond change a slowdown', () => {
    const { clock, watch } = watched();
    watch.record(start(0.3), clock.t);
    watch.record(felt(0.5), clock.t + 1000);
    const v = watch.verdict();
    assert.ok(typeof v === 'object' && v.ratio === 0.5, `0.3 → 0.5 ms judged ${JSON.stringify(v)}`);
  });
  it('judges a lowered rate only on commits timed after it, and forgets slow commits after ten readings', () => {
    const { clock, watch } = watched();
    watch.record(start(2), clock.t);
    watch.record(felt(8), clock.t + 1000);
    watch.restartFelt();
    assert.equal(watch.verdict(), 'settling');
    watch.record(felt(8), clock.t + 2000);
    watch.record(
      Array.from({ length: FELT_KEEP - 4 }, () => 2),
      clock.t + 3000,
    );
    const v = watch.verdict();
    assert.ok(typeof v === 'object' && v.ratio === 4, 'four slow of thirty set the p90');
    watch.record([2], clock.t + 4000);
    const after = watch.verdict();
    assert.ok(typeof after === 'object' && after.ratio === 1, 'three slow of thirty no longer do');
  });
});
