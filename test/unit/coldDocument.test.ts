import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RowShapeError } from '../../services/core/errors.ts';
import {
  contentHash,
  pgTimestampToDate,
  restorableRow,
  toColdDocument,
} from '../../services/core/move/coldDocument.ts';

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
  x_payload: 'jsonb',
  x_tags: 'text[]',
};

describe('cold document', () => {
  it('keeps the row as exact text and adds typed fields for queries', () => {
    const doc = toColdDocument(row, columns, 'me', new Date(0));
    assert.equal(doc._id.toString(), '9007199254740993');
    assert.equal(doc.version.toString(), '12');
    assert.deepEqual(doc.row, row);
    assert.equal(doc.last_operated_at?.toISOString(), '2026-11-21T17:09:01.749Z');
    assert.equal(doc.archive.state, 'copied');
    assert.equal(doc.archive.contentHash, contentHash(row));
  });
  it('hashes every column, null distinct from empty, independent of key order', () => {
    assert.notEqual(contentHash({ a: null }), contentHash({ a: '' }));
    assert.equal(contentHash({ a: '1', b: '2' }), contentHash({ b: '2', a: '1' }));
    assert.notEqual(contentHash({ a: '1', b: '2' }), contentHash({ a: '1', b: '3' }));
  });
  it('gives back the row to restore, exactly as copied', () => {
    const doc = toColdDocument(row, columns, 'me', new Date(0));
    assert.deepEqual(restorableRow(doc), row);
  });
  it('refuses to restore a copy whose content no longer matches its hash', () => {
    const doc = toColdDocument(row, columns, 'me', new Date(0));
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
    const doc = toColdDocument(odd, columns, 'me', new Date(0));
    assert.deepEqual(doc.row, odd);
    assert.equal(doc.created_at?.toISOString(), '-000043-03-15T00:00:00.000Z', 'a BC date fits a Date');
    assert.deepEqual([doc.last_operated_at, doc.customer_id, doc.last_operator_id], [null, null, null]);
    assert.deepEqual(doc.archive.untyped, ['customer_id', 'last_operated_at', 'last_operator_id']);
    assert.equal(
      toColdDocument(row, columns, 'me', new Date(0)).archive.untyped,
      undefined,
      'absent when every field holds its value',
    );
    assert.throws(
      () => toColdDocument({ ...row, id: 'x' }, columns, 'me', new Date(0)),
      RowShapeError,
      'the id must be a whole number',
    );
  });
  it('reads PostgreSQL ISO UTC timestamps', () => {
    assert.equal(pgTimestampToDate('2026-01-02 03:04:05.678901+00')?.toISOString(), '2026-01-02T03:04:05.678Z');
    assert.equal(pgTimestampToDate(null), null);
    assert.equal(pgTimestampToDate('infinity'), null);
  });
});
