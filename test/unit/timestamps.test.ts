import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dateOrNull, isoTimestampMs, pgTimestampMs } from '../../services/core/timestamps.ts';

describe('timestamps of the two sources', () => {
  it('reads PostgreSQL text over the whole timestamptz range, in order', () => {
    const texts = [
      '-infinity',
      '4713-01-01 00:00:00+00 BC',
      '0044-03-15 12:00:00.5+00 BC',
      '0001-01-01 00:00:00+00',
      '0099-12-31 23:59:59.999999+00',
      '2026-11-21 19:34:43.479004+00',
      '9999-12-31 23:59:59+00',
      '10000-01-01 00:00:00+00',
      '294276-12-31 23:59:59.999999+00',
      'infinity',
    ];
    const ms = texts.map(pgTimestampMs);
    assert.ok(
      ms.every((m) => !Number.isNaN(m)),
      JSON.stringify(ms),
    );
    assert.deepEqual(
      [...ms].sort((a, b) => a - b),
      ms,
      'ascending, as PostgreSQL orders them',
    );
    assert.equal(new Date(pgTimestampMs('2026-11-21 19:34:43.479004+00')).toISOString(), '2026-11-21T19:34:43.479Z');
    assert.equal(
      new Date(pgTimestampMs('0099-12-31 23:59:59.999999+00')).toISOString(),
      '0099-12-31T23:59:59.999Z',
      'two-digit years are not 19xx',
    );
    assert.equal(
      new Date(pgTimestampMs('0044-03-15 12:00:00.5+00 BC')).toISOString(),
      '-000043-03-15T12:00:00.500Z',
      '44 BC is year -43',
    );
    assert.equal(pgTimestampMs('294276-12-31 23:59:59.999999+00'), Infinity, 'beyond a Date: +Infinity');
    assert.ok(Number.isNaN(pgTimestampMs('yesterday')));
  });
  it('reads Debezium ZonedTimestamp, signed years and infinities included', () => {
    assert.equal(isoTimestampMs('2026-11-21T19:34:43.479004Z'), Date.parse('2026-11-21T19:34:43.479Z'));
    assert.equal(new Date(isoTimestampMs('+10000-01-01T00:00:00Z')).toISOString(), '+010000-01-01T00:00:00.000Z');
    assert.equal(new Date(isoTimestampMs('-0043-03-15T12:00:00Z')).toISOString(), '-000043-03-15T12:00:00.000Z');
    assert.deepEqual([isoTimestampMs('infinity'), isoTimestampMs('-infinity')], [Infinity, -Infinity]);
    assert.ok(Number.isNaN(isoTimestampMs('2026-11-21 19:34:43Z')));
  });
  it('gives a Date only for what a Date can hold', () => {
    assert.equal(dateOrNull(0)?.toISOString(), '1970-01-01T00:00:00.000Z');
    assert.deepEqual(
      [dateOrNull(Infinity), dateOrNull(-Infinity), dateOrNull(Number.NaN), dateOrNull(8.64e15 + 1)],
      [null, null, null, null],
    );
  });
});
