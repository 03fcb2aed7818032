// The benchmark's check of status's ETA (test/bench/etaChecks.ts): inside the stated range or not, its width, and the
// summary from 25% of a backfill on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  etaCheck,
  etaNoneFrom25,
  etaWidestPercentFrom25,
  etaWithinRangeFrom25Percent,
  statusEtaOf,
  type EtaAsked,
} from '../bench/etaChecks.ts';

const began = Date.parse('2026-12-02T10:00:00Z');
const asked = (fraction: number, low: number | null, high: number | null, answeredAfter = 100): EtaAsked => ({
  fraction,
  atSeconds: answeredAfter - 3,
  low,
  high,
  etaSeconds: low === null || high === null ? null : Math.round((low + high) / 2),
  basis: '',
  answeredAtMs: began + answeredAfter * 1000,
});

describe('bench ETA checks', () => {
  it("reads status's range, its midpoint and the moment it answered", () => {
    const report = { at: '2026-12-02T10:01:40.000Z', eta: { seconds: 250, low: 200, high: 300, basis: 'b' } };
    const e = statusEtaOf(`a log line\n${JSON.stringify({ ...report, backlog: { estimate: true } })}\n`, 0);
    assert.deepEqual(e, {
      etaSeconds: 250,
      low: 200,
      high: 300,
      basis: 'b; backlog estimated',
      answeredAtMs: began + 100_000,
    });
    assert.deepEqual(statusEtaOf('{"eta":{"seconds":9,"basis":"old"}}', 0).low, null, 'a status before the range');
  });

  it('counts the true remaining time from when status answered, and judges it against the range', () => {
    const inside = etaCheck(asked(0.25, 200, 300), began, 350);
    assert.deepEqual(
      [inside.actualSeconds, inside.withinRange, inside.widthPercent, inside.errorPercent],
      [250, true, 20, 0],
    );
    assert.equal(etaCheck(asked(0.5, 200, 300), began, 450).withinRange, false, '350 s is above 300');
    assert.equal(etaCheck(asked(0.1, null, null), began, 450).withinRange, null);
    const noAnswer = etaCheck({ ...asked(0.5, 10, 20), answeredAtMs: null }, began, 115);
    assert.equal(noAnswer.actualSeconds, 18, 'from when it was asked when status did not say');
  });

  it('summarises from 25% on: every checkpoint inside, the widest range, the checkpoints without an estimate', () => {
    const checks = [
      etaCheck(asked(0.1, null, null), began, 350),
      etaCheck(asked(0.25, 200, 300), began, 350),
      etaCheck(asked(0.5, 220, 260, 120), began, 350),
    ];
    assert.equal(etaWithinRangeFrom25Percent(checks), true, 'the 10% checkpoint does not count');
    assert.equal(etaWidestPercentFrom25(checks), 20);
    assert.equal(etaNoneFrom25(checks), 0);
    const none = [...checks, etaCheck(asked(0.75, null, null, 300), began, 350)];
    assert.equal(etaWithinRangeFrom25Percent(none), false, 'no estimate at 75% holds nothing');
    assert.equal(etaNoneFrom25(none), 1);
    assert.equal(etaWithinRangeFrom25Percent([]), null);
    assert.equal(etaWidestPercentFrom25(undefined), null);
  });
});
