// status's ETA range (services/status/eta.ts): ordered, holding when the rate stays as varied as it was, wider with a
// wider spread, and no estimate without enough of a run or while the backlog does not shrink.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { etaRange, MIN_FULL_MINUTES, WARM_UP_SECONDS, type EtaInput } from '../../services/status/eta.ts';

/** A run of one mover's full minutes with these moves (minute 0 first), begun `into` seconds into the minute before
 * them. */
function run(moves: number[], into = 45, mover = 'backfill'): EtaInput['minutes'] {
  const full = moves.map((n, minute) => ({ minute, mover, moves: n, oldestAgoSeconds: 60 * minute + 59.9 }));
  return [...full, { minute: moves.length, mover, moves: 100, oldestAgoSeconds: 60 * moves.length + into }];
}
const input = (minutes: EtaInput['minutes'], remaining = 100_000, dueNextHour = 0, dueNextDay = 0): EtaInput => ({
  remaining,
  minutes,
  dueNextHour,
  dueNextDay,
});

const minuteMoves = fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: MIN_FULL_MINUTES, maxLength: 14 });
const remaining = fc.integer({ min: 1, max: 10_000_000 });

describe('status ETA range', () => {
  it('is ordered and holds the point estimate and remaining / mean rate', () => {
    fc.assert(
      fc.property(minuteMoves, remaining, (moves, left) => {
        const r = etaRange(input(run(moves), left));
        assert.ok(r.low !== null, r.basis);
        assert.ok(r.low <= r.point && r.point <= r.high, JSON.stringify(r));
        const mean = moves.reduce((a, b) => a + b, 0) / moves.length / 60;
        assert.ok(r.low <= left / mean + 1 && left / mean - 1 <= r.high, JSON.stringify(r));
      }),
    );
  });

  it('holds the true time whenever the coming minutes move as fast as the slowest and the fastest seen, or between', () => {
    fc.assert(
      fc.property(
        minuteMoves,
        remaining,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1 }),
        (moves, left, mix) => {
          const r = etaRange(input(run(moves), left));
          assert.ok(r.low !== null && r.high !== null);
          const [slow, fast] = [Math.min(...moves), Math.max(...moves)];
          let seconds = 0;
          for (let rest = left, k = 0; rest > 0; k++) {
            const perMinute = slow + (fast - slow) * (mix[k % mix.length] as number);
            seconds += Math.min(60, (rest / perMinute) * 60);
            rest -= perMinute;
          }
          assert.ok(r.low <= seconds + 1e-6 && seconds <= r.high + 1e-6, `${seconds} s outside ${r.low}..${r.high}`);
        },
      ),
    );
  });

  it('widens as the rates spread: a slower slowest minute raises high, a faster fastest lowers low', () => {
    fc.assert(
      fc.property(minuteMoves, remaining, fc.integer({ min: 1, max: 5000 }), (moves, left, more) => {
        const r = etaRange(input(run(moves), left));
        const spread = [...moves];
        const [iSlow, iFast] = [spread.indexOf(Math.min(...moves)), spread.indexOf(Math.max(...moves))];
        if (iSlow === iFast) return;
        spread[iSlow] = Math.max(1, (spread[iSlow] as number) - more);
        spread[iFast] = (spread[iFast] as number) + more;
        const wider = etaRange(input(run(spread), left));
        assert.ok(r.low !== null && wider.low !== null);
        assert.ok(wider.low <= r.low && wider.high >= r.high, `${JSON.stringify(r)} -> ${JSON.stringify(wider)}`);
      }),
    );
  });

  it('is never narrower than ±5% of the rate: steady minutes do not make the future certain', () => {
    const r = etaRange(input(run([6000, 6000, 6000]), 60_000));
    assert.deepEqual([r.low, r.point, r.high], [571, 600, 632]);
  });

  it('gives no estimate without moves, in the warm-up, or before enough full minutes', () => {
    fc.assert(
      fc.property(
        remaining,
        fc.double({ min: 0, max: 60 * MIN_FULL_MINUTES + WARM_UP_SECONDS - 0.01, noNaN: true }),
        (left, began) => {
          const minutes = Array.from({ length: Math.floor(began / 60) + 1 }, (_, minute) => ({
            minute,
            mover: 'backfill',
            moves: 500,
            oldestAgoSeconds: Math.min(began, 60 * minute + 59.9),
          }));
          const r = etaRange(input(minutes, left));
          assert.equal(r.low, null);
          assert.match(r.basis, /^no estimate yet: [01] of 2 full minutes/);
        },
      ),
    );
    assert.match(etaRange(input([], 10)).basis, /nothing moved in the last minute/);
    assert.match(
      etaRange(input([{ minute: 3, mover: 'backfill', moves: 9, oldestAgoSeconds: 200 }], 10)).basis,
      /nothing moved/,
    );
    const justEnough = etaRange(input(run([600, 600], WARM_UP_SECONDS)));
    assert.notEqual(justEnough.low, null, 'a run begun 150 s ago has two full minutes after its warm-up');
  });

  it('reads only the current run: minutes before a minute without moves are an earlier run', () => {
    const minutes = [...run([600, 600]), { minute: 4, mover: 'backfill', moves: 60_000, oldestAgoSeconds: 299 }];
    assert.deepEqual(etaRange(input(minutes, 20_000)), etaRange(input(run([600, 600]), 20_000)));
  });

  /** An archiver moving `perMinute` timers in every one of the last 15 minutes. */
  const trickle = (perMinute: number, mover = 'archiver-0'): EtaInput['minutes'] =>
    Array.from({ length: 15 }, (_, minute) => ({
      minute,
      mover,
      moves: perMinute,
      oldestAgoSeconds: 60 * minute + 59,
    }));

  it('begins the run when the backfill began, not with the trickle of timers moving beside it all along', () => {
    const early = etaRange(input([...trickle(2), ...run([3000], 10)], 100_000));
    assert.equal(early.low, null);
    assert.match(early.basis, /^no estimate yet: 0 of 2 full minutes of moves since this run began .* with backfill/);
    const later = etaRange(input([...trickle(2), ...run([3000, 3000, 3000])], 100_000));
    assert.deepEqual(
      [later.low, later.high],
      [Math.floor(100_000 / ((3002 / 60) * 1.05)), Math.ceil(100_000 / ((3002 / 60) * 0.95))],
      "the backfill's three full minutes with the trickle's moves in them; none of the trickle's earlier minutes",
    );
  });

  it("counts a sparse trickle's moves but not its quiet minutes as the run's end", () => {
    const sparse = trickle(3).filter((m) => m.minute % 2 === 0);
    const r = etaRange(input([...sparse, ...run([3000, 3000, 3000])], 100_000));
    assert.notEqual(r.low, null, r.basis);
    assert.match(r.basis, /of the last 3 full minutes/);
    const alone = etaRange(input(sparse, 100));
    assert.match(alone.basis, /^no estimate yet: 0 of 2/, 'alone, the trickle carries the moves and its gaps count');
  });

  it('counts the inflow of tickets turning cold, and gives none when the backlog does not shrink', () => {
    const moves = run([600, 600, 600]); // 10/s
    const still = etaRange(input(moves, 3000));
    const inflow = etaRange(input(moves, 3000, 3600 * 2, 86_400 * 2)); // 2/s
    assert.ok(still.low !== null && inflow.low !== null && inflow.low > still.low && inflow.high > still.high);
    assert.deepEqual([inflow.low, inflow.high], [352, 400], '3000 / (10.5 - 2) .. 3000 / (9.5 - 2)');
    assert.match(inflow.basis, /less 2–2\/s turning cold/);
    assert.match(
      etaRange(input(moves, 3000, 3600 * 10, 86_400 * 10)).basis,
      /^no estimate: the backlog does not shrink/,
    );
    assert.match(
      etaRange(input(moves, 3000, 3600 * 9.6, 86_400 * 9.6)).basis,
      /^no estimate: the backlog may not shrink/,
    );
  });

  it('is 0 for an empty backlog, whatever moved', () => {
    assert.deepEqual(etaRange(input([], 0)), { low: 0, high: 0, point: 0, basis: 'the backlog is empty' });
  });
});
