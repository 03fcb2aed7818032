// The SQL files of the product's own objects (infra/postgres/migrations, shipped with the program), each applied once
// in name order and recorded with a checksum, so an edited, already-applied file is refused; and the grants on the
// product's objects, applied on every run.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsDir } from '../../shipped/index.ts';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
  /** Files starting with `-- migrate:no-transaction` run statement by statement (CREATE INDEX CONCURRENTLY). */
  transactional: boolean;
}

export function loadMigrations(dir = migrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return {
        name,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
        transactional: !sql.startsWith('-- migrate:no-transaction'),
      };
    });
}

/** Splits a no-transaction migration into statements; such files hold only plain statements ending in ';'. */
export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The grants on the product's objects, applied after the migrations on every run. */
export const grantsSql = (): string => readFileSync(join(migrationsDir(), 'grants.sql'), 'utf8');
