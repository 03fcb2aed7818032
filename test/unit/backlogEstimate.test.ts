// The backlog's estimate beyond the count's ceiling: the planner's candidates less the rows deleted since its
// statistics, never below what was counted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { candidatesBeyondCeiling } from '../../services/edges/hotStore/candidateCounts.ts';
import { driftOf } from '../../services/edges/hotStore/statisticsDrift.ts';

describe("the backlog's estimate beyond the ceiling", () => {
  it('takes the rows deleted since the statistics off the planner’s candidates', () => {
    // The benchmark's case: 381,000 candidates planned before a backfill that has since moved 190,000.
    assert.equal(candidatesBeyondCeiling(100_001, 381_000, driftOf(1_000_000, 810_000)), 191_000);
  });
  it('never says fewer than the candidates counted', () => {
    assert.equal(candidatesBeyondCeiling(100_001, 381_000, driftOf(1_000_000, 500_000)), 100_001);
  });
  it('reads inserts since the statistics as no drift, not as a negative one', () => {
    assert.equal(driftOf(1_000_000, 1_050_000), 0);
    assert.equal(candidatesBeyondCeiling(100_001, 381_000, driftOf(1_000_000, 1_050_000)), 381_000);
  });
});
