import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RowShapeError } from '../../services/core/errors.ts';
import { contentHash, restorableRow, toColdDocument, type CopyContext } from '../../services/core/move/coldDocument.ts';
import { typedColumns } from '../../services/core/spec/listFields.ts';
import { defaultSpec } from '../support/specs.ts';

const row = {
  id: '9007199254740993',
  customer_id: '7',
  status: 'closed',
  subject: null,
  body: '你好 😀',
  created_at: '2020-02-29 15:59:59.123456+00',
  last_operated_at: '2026-11-21 17:09:01.749432+00',
  last_operator_id: '1',
  last_operator_group_id: null,
  version: '12',
  x_payload: '{"big": 123456789012345678901234567890}',
  x_tags: '{"a,b",NULL}',
};
const columns = {
  ...Object.fromEntries(Object.keys(row).map((k) => [k, 'text'])),
  id: 'bigint',
  version: 'bigint',
  customer_id: 'bigint',
  last_operator_id: 'bigint',
  last_operator_group_id: 'bigint',
  created_at: 'timestamp with time zone',
  last_operated_at: 'timestamp with time zone',
  x_payload: 'jsonb',
  x_tags: 'text[]',
};
const context: CopyContext = {
  columns,
  typed: typedColumns(defaultSpec),
  timeZone: 'UTC',
  readStamp: 42n,
  mover: 'me',
  now: new Date(0),
};
const read = (r: Record<string, string | null>) => ({ key: r.id ?? '', version: r.version ?? '', row: r });

describe('cold document', () => {
  it("keeps the row as exact text and types the spec's list and activity columns beside it", () => {
    const doc = toColdDocument(read(row), context);
    assert.equal(doc._id, '9007199254740993');
    assert.equal(doc.version, '12');
    assert.deepEqual(doc.row, row);
    assert.equal((doc.fields.last_operated_at as Date).toISOString(), '2026-11-21T17:09:01.749Z');
    assert.equal(doc.fields.customer_id, 7n);
    assert.equal(doc.fields.last_operator_group_id, null);
    assert.equal(doc.archive.state, 'copied');
    assert.equal(doc.archive.readStamp, 42n);
    assert.equal(doc.archive.contentHash, contentHash(row));
  });
  it('types a timestamp without time zone in the zone the spec names', () => {
    const doc = toColdDocument(
      { key: '1', version: '9', row: { id: '1', updated_at: '2026-07-01 12:00:00.5' } },
      {
        ...context,
        columns: { id: 'integer', updated_at: 'timestamp(3) without time zone' },
        typed: ['updated_at'],
        timeZone: 'Europe/Berlin',
      },
    );
    assert.equal((doc.fields.updated_at as Date).toISOString(), '2026-07-01T10:00:00.500Z');
  });
  it('hashes every column, null distinct from empty, independent of key order', () => {
    assert.notEqual(contentHash({ a: null }), contentHash({ a: '' }));
    assert.equal(contentHash({ a: '1', b: '2' }), contentHash({ b: '2', a: '1' }));
    assert.notEqual(contentHash({ a: '1', b: '2' }), contentHash({ a: '1', b: '3' }));
  });
  it('gives back the row to restore, exactly as copied', () => {
    assert.deepEqual(restorableRow(toColdDocument(read(row), context)), row);
  });
  it('refuses to restore a copy whose content no longer matches its hash', () => {
    const doc = toColdDocument(read(row), context);
    doc.row = { ...doc.row, body: 'tampered' };
    assert.throws(() => restorableRow(doc), RowShapeError);
  });
  it('archives values a typed field cannot hold: the field is null and named in archive.untyped, row exact', () => {
    const odd = {
      ...row,
      created_at: '0044-03-15 00:00:00+00 BC',
      last_operated_at: '-infinity',
      customer_id: '1.5',
      last_operator_id: '99999999999999999999',
    };
    const doc = toColdDocument(read(odd), context);
    assert.deepEqual(doc.row, odd);
    assert.equal((doc.fields.created_at as Date).toISOString(), '-000043-03-15T00:00:00.000Z', 'a BC date fits a Date');
    assert.deepEqual(
      [doc.fields.last_operated_at, doc.fields.customer_id, doc.fields.last_operator_id],
      [null, null, null],
    );
    assert.deepEqual([...(doc.archive.untyped ?? [])].sort(), ['customer_id', 'last_operated_at', 'last_operator_id']);
    assert.equal(
      toColdDocument(read(row), context).archive.untyped,
      undefined,
      'absent when every field holds its value',
    );
    assert.throws(() => toColdDocument({ key: '', version: '1', row }, context), RowShapeError, 'a copy needs its key');
  });
});
