import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectFromText } from '../../services/edges/hotStore/rowFromText.ts';

describe('a row from its text', () => {
  it('casts each present column from its text by the catalog type, names quoted, absent columns left to their defaults', () => {
    const columns = [
      { name: 'id', type: 'bigint' },
      { name: 'we"ird\'name', type: 'jsonb' },
      { name: 'added_later', type: 'text' },
    ];
    const s = selectFromText(columns, { id: '7', 'we"ird\'name': 'null' });
    assert.equal(s.list, '"id", "we""ird\'name"');
    assert.equal(
      s.select,
      `(($1::json) ->> 'id')::bigint AS "id", (($1::json) ->> 'we"ird''name')::jsonb AS "we""ird'name"`,
    );
    assert.deepEqual(JSON.parse(s.params[0]), { id: '7', 'we"ird\'name': 'null' });
  });
});
