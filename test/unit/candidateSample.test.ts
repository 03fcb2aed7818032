// The backlog's count beyond the ceiling from a sample of the table's pages (services/edges/hotStore/candidateSample.ts):
// a fixed number of pages whatever the table's size, scaled back to the whole.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SAMPLE_PAGES, samplePercent, scaledSample } from '../../services/edges/hotStore/candidateSample.ts';

describe("the backlog's sample of pages", () => {
  it('reads the whole of a table no bigger than the sample', () => {
    assert.equal(samplePercent(0), 100);
    assert.equal(samplePercent(SAMPLE_PAGES), 100);
    assert.equal(scaledSample(1234, samplePercent(10)), 1234);
  });
  it('reads the same number of pages of any bigger table, and scales what it found back to the whole', () => {
    fc.assert(
      fc.property(fc.integer({ min: SAMPLE_PAGES + 1, max: 2 ** 32 }), (pages) => {
        const percent = samplePercent(pages);
        assert.ok(Math.abs((pages * percent) / 100 - SAMPLE_PAGES) < 1e-6, `${percent}% of ${pages}`);
        // Every sampled page full of candidates: the whole table is.
        const perPage = 30;
        assert.ok(Math.abs(scaledSample(SAMPLE_PAGES * perPage, percent) - pages * perPage) <= 1);
      }),
    );
  });
  it('a 3-billion-ticket table: 2,000 of its 100 million pages', () => {
    assert.equal(samplePercent(100_000_000), 0.002);
    assert.equal(scaledSample(15_000, 0.002), 750_000_000);
  });
});
