import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadMigrations, splitStatements } from '../../services/edges/hotStore/migrations.ts';

describe('migrations', () => {
  it('are ordered, checksummed, and index builds run outside a transaction', () => {
    const all = loadMigrations();
    assert.deepEqual(
      all.map((m) => m.name),
      [...all.map((m) => m.name)].sort(),
    );
    assert.ok(all.every((m) => /^[0-9a-f]{64}$/.test(m.checksum)));
    const indexes = all.find((m) => m.name.includes('index'));
    assert.ok(indexes && !indexes.transactional);
    const statements = splitStatements(indexes.sql);
    assert.ok(statements.length >= 5);
    assert.ok(
      statements.every((s) => /^CREATE INDEX CONCURRENTLY IF NOT EXISTS/.test(s)),
      statements.join('\n'),
    );
  });
  it('splits plain statements and drops comment lines', () => {
    assert.deepEqual(splitStatements('-- x\nCREATE INDEX a ON t (x);\n\nCREATE INDEX b ON t (y);\n'), [
      'CREATE INDEX a ON t (x)',
      'CREATE INDEX b ON t (y)',
    ]);
  });
});
