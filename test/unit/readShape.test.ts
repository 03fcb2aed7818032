// The read API's pure parts: a row's text in the API's JSON shape, and cursors that page one list only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CursorError, decodeCursor, encodeCursor, pageOf, type ListQuery } from '../../services/core/read/listing.ts';
import { columnValue, isoTimestamp, ticketFields } from '../../services/core/read/ticketJson.ts';

describe('ticket JSON', () => {
  it('keeps bigints and numerics exact, gives timestamps microseconds, json as JSON', () => {
    const row = {
      id: '9223372036854775807',
      amount: '12.3400',
      at: '2026-11-21 19:34:43.4790+00',
      local: '2026-11-21 19:34:43',
      n: '7',
      ok: 't',
      doc: '{"a": [1, null]}',
      f: 'NaN',
      tags: '{a,b}',
      gone: null,
    };
    const columns = {
      id: 'bigint',
      amount: 'numeric(14,4)',
      at: 'timestamp with time zone',
      local: 'timestamp without time zone',
      n: 'integer',
      ok: 'boolean',
      doc: 'jsonb',
      f: 'double precision',
      tags: 'text[]',
      gone: 'text',
    };
    assert.deepEqual(ticketFields(row, columns), {
      id: '9223372036854775807',
      amount: '12.3400',
      at: '2026-11-21T19:34:43.479000Z',
      local: '2026-11-21T19:34:43.000000',
      n: 7,
      ok: true,
      doc: { a: [1, null] },
      f: 'NaN',
      tags: '{a,b}',
      gone: null,
    });
  });
  it('leaves what ISO 8601 cannot say as PostgreSQL wrote it', () => {
    for (const text of ['infinity', '-infinity', '0044-03-15 12:00:00+00 BC'])
      assert.equal(isoTimestamp(text, true), text);
    assert.equal(isoTimestamp('294276-12-31 23:59:59.999999+00', true), '294276-12-31T23:59:59.999999Z');
    assert.equal(columnValue('real', 'Infinity'), 'Infinity');
  });
});

// The sort keys the tiers give out: PostgreSQL's text of an instant (hot) and a Date's ISO 8601 (cold).
const date = fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true });
const pgText = (d: Date) => {
  const year = d.getUTCFullYear();
  const iso = d.toISOString().replace(/^[+-]?\d+/, String(year > 0 ? year : 1 - year).padStart(4, '0'));
  return `${iso.replace(/Z$/, '000Z')} ${year > 0 ? 'AD' : 'BC'}`;
};
const sortKey = {
  hot: fc.oneof(date.map(pgText), fc.constantFrom('infinity', '-infinity')),
  cold: date.map((d) => d.toISOString()),
};

describe('list cursors', () => {
  const q: ListQuery = { list: 'customer', tier: 'hot', filter: { value: '42' }, limit: 2 };
  for (const tier of ['hot', 'cold'] as const) {
    it(`round-trip any position of the ${tier} tier, and belong to their list and tier only`, () => {
      const other = tier === 'hot' ? 'cold' : 'hot';
      const mine = { ...q, tier };
      fc.assert(
        fc.property(sortKey[tier], fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (at, id) => {
          const c = encodeCursor(mine, { at, id: id.toString() });
          assert.deepEqual(decodeCursor(c, mine), { at, id: id.toString() });
          assert.throws(() => decodeCursor(c, { ...mine, tier: other }), CursorError);
          assert.throws(() => decodeCursor(c, { ...mine, filter: { value: '43' } }), CursorError);
          assert.throws(() => decodeCursor(c, { ...mine, list: 'operator' }), CursorError);
        }),
      );
    });
  }
  it("refuses a sort key its tier does not give out (a forged cursor's reaches no query)", () => {
    for (const [tier, at] of [
      ['hot', '+010000-01-01T00:00:00.000Z'],
      ['hot', "2026-01-01'; DROP TABLE x"],
      ['cold', '2026-11-21T19:34:43.479000Z AD'],
      ['cold', '2026-02-30T00:00:00.000Z'],
    ] as const) {
      const mine = { ...q, tier };
      assert.throws(() => decodeCursor(encodeCursor(mine, { at, id: '1' }), mine), CursorError, `${tier} ${at}`);
    }
  });
  it('refuses anything else with CursorError, never another error', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          decodeCursor(text, q);
        } catch (err) {
          assert.ok(err instanceof CursorError, String(err));
        }
      }),
    );
  });
  it('gives a next cursor only when one more row was fetched, at the last row shown', () => {
    const rows = [
      { at: '2026-11-03T00:00:00.000000Z AD', id: '3' },
      { at: '2026-11-02T00:00:00.000000Z AD', id: '2' },
      { at: '2026-11-01T00:00:00.000000Z AD', id: '1' },
    ];
    const page = pageOf(q, rows, (r) => r);
    assert.deepEqual(page.rows, rows.slice(0, 2));
    assert.deepEqual(decodeCursor(page.nextCursor ?? '', q), { at: '2026-11-02T00:00:00.000000Z AD', id: '2' });
    assert.equal(pageOf(q, rows.slice(0, 2), (r) => r).nextCursor, null);
    assert.deepEqual(
      pageOf(
        q,
        rows,
        (r) => r,
        (r) => r.id !== '2',
      ).rows,
      [{ at: '2026-11-03T00:00:00.000000Z AD', id: '3' }],
      'a row left out does not move the cursor back',
    );
  });
});
