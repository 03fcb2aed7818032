// The index of cold candidates on the business table: built CONCURRENTLY (business writes never wait for it), and
// marked with a fingerprint of its definition in its comment, so that a spec whose activity column, key or row filter
// changed gets a new index. A new definition is built under another name first and swapped in (the running movers keep
// an index to search meanwhile); an INVALID index (a build that was interrupted) is dropped and built again. The build
// waits for older transactions as long as they last (lock_timeout 0): it holds a lock that blocks no business write.
import { createHash } from 'node:crypto';
import { quoteIdent, quoteLiteral } from '../../core/spec/identifiers.ts';
import type { SqlStep } from './specObjects.ts';
import { CANDIDATE_INDEX, type TableSql } from './tableSql.ts';

/** unmarked: valid, on the spec's columns, without a fingerprint: built by a migrate that was stopped before it could
 * mark it (PostgreSQL finishes a CONCURRENTLY build whose client went away), or by hand. It is marked, not rebuilt:
 * on billions of rows a rebuild takes hours. */
export type CandidateIndexState = 'missing' | 'invalid' | 'outdated' | 'unmarked' | 'current';

type Db = { query<R extends object>(sql: string, values?: unknown[]): Promise<{ rows: R[] }> };

const BUILDING = `${CANDIDATE_INDEX}_new`;

/** What the comment of an index of this definition says. */
export function candidateFingerprint(t: TableSql): string {
  const definition = t.candidateIndex(CANDIDATE_INDEX);
  return `ticket-archiver candidates ${createHash('sha256').update(definition).digest('hex').slice(0, 16)}`;
}

export async function candidateIndexState(db: Db, t: TableSql): Promise<CandidateIndexState> {
  // Every value as text: the hot store's pools read every column as text (pool.ts), migrate's client does not.
  const { rows } = await db.query<{ valid: string; comment: string | null; columns: string }>(
    `SELECT i.indisvalid::text AS valid, obj_description(i.indexrelid, 'pg_class') AS comment,
            to_json(array(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, o)
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num ORDER BY k.o))::text AS columns
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2`,
    [t.spec.table.schema, CANDIDATE_INDEX],
  );
  const index = rows[0];
  if (!index) return 'missing';
  if (index.valid !== 'true') return 'invalid';
  if (index.comment === candidateFingerprint(t)) return 'current';
  const onSpecColumns = index.columns === JSON.stringify([t.spec.activity.column, t.spec.key.column]);
  return index.comment === null && onSpecColumns ? 'unmarked' : 'outdated';
}

/** The statements that bring the index to the spec's definition (none when it is current). */
export function candidateIndexStep(t: TableSql, state: CandidateIndexState): SqlStep | undefined {
  if (state === 'current') return undefined;
  const schema = quoteIdent(t.spec.table.schema);
  const at = (name: string) => `${schema}.${quoteIdent(name)}`;
  const comment = `COMMENT ON INDEX ${at(CANDIDATE_INDEX)} IS ${quoteLiteral(candidateFingerprint(t))}`;
  if (state === 'unmarked')
    return { what: 'the index of cold candidates, marked as built', transactional: true, sql: comment };
  const wait = 'SET lock_timeout = 0;\nSET statement_timeout = 0;';
  const sql =
    state === 'outdated'
      ? [
          wait,
          `DROP INDEX CONCURRENTLY IF EXISTS ${at(BUILDING)};`,
          `${t.candidateIndex(BUILDING)};`,
          `DROP INDEX CONCURRENTLY ${at(CANDIDATE_INDEX)};`,
          `ALTER INDEX ${at(BUILDING)} RENAME TO ${quoteIdent(CANDIDATE_INDEX)};`,
          `${comment};`,
        ]
      : [
          wait,
          ...(state === 'invalid' ? [`DROP INDEX CONCURRENTLY IF EXISTS ${at(CANDIDATE_INDEX)};`] : []),
          `${t.candidateIndex(CANDIDATE_INDEX)};`,
          `${comment};`,
        ];
  const what = {
    missing: 'the index of cold candidates',
    invalid: 'the index of cold candidates, again (the one there is INVALID: an interrupted build)',
    outdated:
      "the index of cold candidates, anew (the spec's definition changed): built beside the old one, then swapped",
  }[state];
  return { what, transactional: false, sql: sql.join('\n') };
}
