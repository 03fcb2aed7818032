import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MalformedEventError } from '../../services/core/errors.ts';
import { parseTicketEvent as parseWith } from '../../services/core/ticketEvent.ts';
import { defaultShape } from '../support/specs.ts';

const parseTicketEvent = (k: Buffer | null, v: Buffer | null) => parseWith(k, v, defaultShape);

// Shapes captured from the local stack's connector (Debezium 3.0.8, JsonConverter without schemas).
const source = {
  version: '3.0.8.Final',
  connector: 'postgresql',
  name: 'ticketdb',
  ts_ms: 1795289683480,
  snapshot: 'false',
  db: 'tickets',
  sequence: '["26459104","26461528"]',
  ts_us: 1795289683480650,
  ts_ns: 1795289683480650000,
  schema: 'public',
  table: 'tickets',
  txId: 753,
  lsn: 26461528,
  xmin: null,
};
const row = {
  id: 1,
  customer_id: 7,
  status: 'closed',
  subject: 'hi',
  body: 'body 你好 😀',
  created_at: '2026-11-21T19:34:43.479004Z',
  last_operated_at: '2026-11-21T19:34:43.479004Z',
  last_operator_id: null,
  last_operator_group_id: null,
  version: 2,
};
const deleteBefore = {
  id: 1,
  customer_id: 0,
  status: '',
  subject: null,
  body: null,
  created_at: '1970-01-01T00:00:00.000000Z',
  last_operated_at: '1970-01-01T00:00:00.000000Z',
  last_operator_id: null,
  last_operator_group_id: null,
  version: 1,
};
const buf = (x: unknown) => Buffer.from(JSON.stringify(x));
const key = buf({ id: 1 });

describe('parseTicketEvent', () => {
  it('parses an update into the row, its version and the LSN', () => {
    const e = parseTicketEvent(key, buf({ before: null, after: row, source, op: 'u', ts_ms: 1 }));
    assert.equal(e.kind, 'upsert');
    if (e.kind !== 'upsert') return;
    assert.equal(e.op, 'u');
    assert.equal(e.change.version, '2');
    assert.equal(e.change.mayTurnCold, true);
    assert.equal(e.change.activityMs, Date.parse('2026-11-21T19:34:43.479Z'));
    assert.equal(e.source.lsn, '26461528');
    assert.equal(e.snapshot, false);
  });
  it('accepts columns it does not read (added later with ALTER TABLE)', () => {
    const e = parseTicketEvent(key, buf({ before: null, after: { ...row, priority: 3 }, source, op: 'c', ts_ms: 1 }));
    assert.ok(e.kind === 'upsert' && e.id === '1');
  });
  it('parses the captured columns alone (the connector sends only id, status, last_operated_at and version)', () => {
    const captured = { id: 1, status: 'closed', last_operated_at: row.last_operated_at, version: 4 };
    const e = parseTicketEvent(key, buf({ before: null, after: captured, source, op: 'r', ts_ms: 1 }));
    assert.ok(e.kind === 'upsert' && e.change.version === '4' && e.change.mayTurnCold);
  });
  it('accepts every last_operated_at PostgreSQL can hold (signed years, infinities)', () => {
    for (const t of ['infinity', '-infinity', '+10000-01-01T00:00:00Z', '-4712-01-01T00:00:00Z']) {
      const e = parseTicketEvent(
        key,
        buf({ before: null, after: { ...row, last_operated_at: t }, source, op: 'u', ts_ms: 1 }),
      );
      assert.ok(
        e.kind === 'upsert' &&
          e.change.activityMs === (t === 'infinity' ? Infinity : t === '-infinity' ? -Infinity : e.change.activityMs),
      );
      assert.ok(e.kind === 'upsert' && !Number.isNaN(e.change.activityMs));
    }
  });
  it('refuses a row without the columns the cold rule needs', () => {
    const withoutTime: Record<string, unknown> = { ...row };
    delete withoutTime.last_operated_at;
    assert.throws(
      () => parseTicketEvent(key, buf({ before: null, after: withoutTime, source, op: 'c', ts_ms: 1 })),
      MalformedEventError,
    );
  });
  it('marks snapshot reads as snapshot', () => {
    const e = parseTicketEvent(
      key,
      buf({ before: null, after: row, source: { ...source, snapshot: 'true' }, op: 'r', ts_ms: 1 }),
    );
    assert.ok(e.kind === 'upsert' && e.snapshot && e.op === 'r');
  });
  it('reads only the id from a delete (REPLICA IDENTITY DEFAULT placeholders are ignored)', () => {
    const e = parseTicketEvent(key, buf({ before: deleteBefore, after: null, source, op: 'd', ts_ms: 1 }));
    assert.deepEqual(e.kind === 'delete' ? e.id : undefined, '1');
  });
  it('parses a tombstone and a truncate', () => {
    assert.deepEqual(parseTicketEvent(key, null), { kind: 'tombstone', id: '1' });
    assert.equal(
      parseTicketEvent(null, buf({ before: null, after: null, source, op: 't', ts_ms: 1 })).kind,
      'truncate',
    );
  });
  it('keeps ids, versions and other bigints anywhere in the int64 range exact', () => {
    const max = '9223372036854775807';
    const text = (id: string) =>
      JSON.stringify({ before: null, after: { ...row, id: 0, version: 0, customer_id: 0 }, source, op: 'c', ts_ms: 1 })
        .replace('"id":0', `"id":${id}`)
        .replace('"version":0', `"version":${max}`)
        .replace('"customer_id":0', '"customer_id":-9223372036854775808');
    for (const id of [max, '9007199254740993', '1152921504606846977']) {
      const e = parseTicketEvent(Buffer.from(`{"id":${id}}`), Buffer.from(text(id)));
      assert.ok(e.kind === 'upsert');
      assert.deepEqual([e.id, e.change.version], [id, max]);
    }
    const deleted = JSON.stringify({
      before: { ...deleteBefore, id: 0 },
      after: null,
      source,
      op: 'd',
      ts_ms: 1,
    }).replace('"id":0', `"id":${max}`);
    const e = parseTicketEvent(Buffer.from(`{"id":${max}}`), Buffer.from(deleted));
    assert.deepEqual([e.kind, e.kind === 'delete' && e.id], ['delete', max]);
    assert.deepEqual(parseTicketEvent(Buffer.from(`{"id":${max}}`), null), { kind: 'tombstone', id: max });
  });
  it('keeps the fast parser for events whose large integers are only in fields it does not read (Debezium 3 ts_ns)', () => {
    const text = JSON.stringify({
      before: null,
      after: row,
      source: { ...source, ts_ns: 1 },
      op: 'u',
      ts_ms: 1,
      ts_ns: 2,
    })
      .replace('"ts_ns":1', '"ts_ns":1795289683480650000')
      .replace('"ts_ns":2', '"ts_ns":1795289683480650123');
    const e = parseTicketEvent(key, Buffer.from(text));
    assert.ok(e.kind === 'upsert');
    assert.equal(
      typeof (e.source as Record<string, unknown>).ts_ns,
      'number',
      'JSON.parse, not the lossless parser, read it',
    );
  });
  it('refuses malformed messages with the reason', () => {
    const cases: Array<[Buffer | null, Buffer | null, RegExp]> = [
      [key, Buffer.from('{not json'), /message value is not JSON/],
      [key, buf({ hello: 'world' }), /not a Debezium change event/],
      [key, buf({ before: null, after: { ...row, status: ['closed'] }, source, op: 'u', ts_ms: 1 }), /after.*status/],
      [
        key,
        buf({ before: null, after: { ...row, last_operated_at: 'yesterday' }, source, op: 'u', ts_ms: 1 }),
        /last_operated_at/,
      ],
      [buf({ id: 2 }), buf({ before: null, after: row, source, op: 'c', ts_ms: 1 }), /key 2 differs/],
      [
        null,
        Buffer.from(
          JSON.stringify({ before: null, after: row, source, op: 'c', ts_ms: 1 }).replace(
            '"id":1,',
            '"id":9223372036854775808,',
          ),
        ),
        /after row: id: Too big: expected bigint to be <=9223372036854775807/,
      ],
      [
        null,
        Buffer.from(
          JSON.stringify({ before: null, after: row, source, op: 'c', ts_ms: 1 }).replace('"id":1,', '"id":1e19,'),
        ),
        /after row: id: expected a whole number \(one beyond 2\^53 was rounded/,
      ],
      [null, null, /tombstone without a ticket key/],
    ];
    for (const [k, v, reason] of cases) {
      assert.throws(
        () => parseTicketEvent(k, v),
        (err: unknown) => err instanceof MalformedEventError && reason.test(err.message),
      );
    }
  });
});
