// Whether tickets are in the hot table, and at which version, and whether they are in the state in which time can
// make them cold: the check every job may make (reads, restores, audits), apart from COLD_AFTER, which only the movers
// apply.
import type pg from 'pg';
import { guarded } from './pool.ts';
import type { TableSql } from './tableSql.ts';

export interface HotPresence {
  version: string;
  /** The spec's cold.when holds for the row. */
  closed: boolean;
}

export class HotLookup {
  constructor(
    private readonly pool: pg.Pool,
    private readonly t: TableSql,
  ) {}

  /** Each of `ids` that is in the hot table. */
  present(ids: string[]): Promise<Map<string, HotPresence>> {
    if (ids.length === 0) return Promise.resolve(new Map<string, HotPresence>());
    const t = this.t;
    return guarded('looking tickets up', async () => {
      const res = await this.pool.query<{ key: string; version: string; closed: string }>(
        `SELECT ${t.keyText()} AS key, ${t.version()} AS version, (${t.when()})::text AS closed
           FROM ${t.table} t WHERE ${t.key()} = ANY(${t.keys('$1')})`,
        [ids],
      );
      return new Map(res.rows.map((r) => [r.key, { version: r.version, closed: r.closed === 'true' }]));
    });
  }
}
