// The id pattern of the read API's schemas admits exactly the decimal text of a bigint: what PostgreSQL's bigint
// can hold, written without leading zeros, and nothing else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bigintText } from '../../services/core/read/bigintText.ts';

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

describe('bigint text', () => {
  it('admits every bigint, at the edges of the range too', () => {
    for (const n of [0n, 1n, -1n, MAX, MIN, MAX - 1n, MIN + 1n, 10n ** 18n])
      assert.ok(bigintText.test(String(n)), String(n));
    fc.assert(fc.property(fc.bigInt({ min: MIN, max: MAX }), (n) => bigintText.test(n.toString())));
  });
  it('refuses whole numbers beyond the range, leading zeros, and whatever is not a whole number', () => {
    for (const text of [
      String(MAX + 1n),
      String(MIN - 1n),
      '99999999999999999999',
      '007',
      '-0',
      '',
      '-',
      '1.0',
      ' 1',
      '١',
    ])
      assert.ok(!bigintText.test(text), JSON.stringify(text));
    fc.assert(
      fc.property(fc.bigInt({ min: MAX + 1n, max: 10n ** 30n }), fc.boolean(), (n, negative) => {
        const text = (negative ? -n - 1n : n).toString();
        return !bigintText.test(text);
      }),
    );
  });
  it('agrees with BigInt on any digit string', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?[0-9]{1,21}$/), (text) => {
        const canonical = BigInt(text).toString() === text;
        const inRange = BigInt(text) >= MIN && BigInt(text) <= MAX;
        assert.equal(bigintText.test(text), canonical && inRange, text);
      }),
    );
  });
});
