// The product's own migrations: ordered, checksummed, and touching nothing outside the product's schema (the business
// table is only read, indexed CONCURRENTLY and published by migrate's spec step, never altered).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grantsSql, loadMigrations, splitStatements } from '../../services/edges/hotStore/migrationFiles.ts';
import { PRODUCT_SCHEMA } from '../../services/edges/hotStore/tableSql.ts';

/** Every object the SQL creates, alters, drops, indexes or grants on, as written (schema-qualified or not); an
 * index's own name is never schema-qualified, its table is. */
function objectsOf(sql: string): string[] {
  const ddl =
    /\b(?:CREATE|ALTER|DROP)\s+(?:TABLE|FUNCTION|VIEW|SEQUENCE|TRIGGER|PUBLICATION)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?([\w."]+)/gi;
  const grants = /\bGRANT\s[\w\s,]*?\bON\s+(?:TABLE\s+|SCHEMA\s+|FUNCTION\s+)?([\w."]+(?:\s*,\s*[\w."]+)*)/gi;
  const onIndex = /\bINDEX\b[^;]*?\bON\s+([\w."]+)/gi;
  return [
    ...[...sql.matchAll(ddl)].map((m) => m[1] ?? ''),
    ...[...sql.matchAll(grants)].flatMap((m) => (m[1] ?? '').split(/\s*,\s*/)),
    ...[...sql.matchAll(onIndex)].map((m) => m[1] ?? ''),
  ];
}

describe('migrations', () => {
  it('are ordered and checksummed', () => {
    const all = loadMigrations();
    assert.ok(all.length > 0);
    assert.deepEqual(
      all.map((m) => m.name),
      [...all.map((m) => m.name)].sort(),
    );
    assert.ok(all.every((m) => /^[0-9a-f]{64}$/.test(m.checksum)));
  });
  it(`create and grant only within the schema ${PRODUCT_SCHEMA}: no business table is named`, () => {
    const sql = [...loadMigrations().map((m) => m.sql), grantsSql()].join('\n').replace(/^\s*--.*$/gm, '');
    const named = objectsOf(sql);
    assert.ok(named.length >= 10, named.join(', '));
    for (const object of named)
      assert.ok(object === PRODUCT_SCHEMA || object.startsWith(`${PRODUCT_SCHEMA}.`), `names ${object}`);
  });
  it('splits plain statements and drops comment lines', () => {
    assert.deepEqual(splitStatements('-- x\nCREATE INDEX a ON t (x);\n\nCREATE INDEX b ON t (y);\n'), [
      'CREATE INDEX a ON t (x)',
      'CREATE INDEX b ON t (y)',
    ]);
  });
});
