// The candidates in a range counted in a sample of the table's pages and scaled up: the backlog's count beyond the
// ceiling. The planner's estimate lags a backfill: its statistics wait for autovacuum's next ANALYZE, and a VACUUM in
// between sets the table's row count to the live rows while the histogram still gives the cold range its share from
// before the backfill (the benchmark's status stated 243,115 left at 75% of a backfill, truly 172,000). A sample reads
// the rows as they are now, and does not take a ticket's state and age to be independent as the planner does. Its
// cost is fixed: `SAMPLE_PAGES` pages whatever the table's size (TABLESAMPLE SYSTEM reads only the blocks it picks).
import { tenthsOfMs, type QueryCost, type QueryCosts } from './queryCosts.ts';
import type { TableSql } from './tableSql.ts';

/** Pages a sample reads by default: some 16 MB, a few tens of thousands of tickets, a few percent off. */
export const SAMPLE_PAGES = 2_000;

export interface SampledCandidates {
  /** The candidates in the range, scaled from the sample. */
  rows: number;
  /** The candidates the sample found, and its share of the table's pages in percent. */
  found: number;
  percent: number;
  cost: QueryCost;
}

/** The share of a table of `pages` pages that `samplePages` make, in percent (all of a smaller table). */
export function samplePercent(pages: number, samplePages = SAMPLE_PAGES): number {
  return pages <= samplePages ? 100 : (100 * samplePages) / pages;
}

/** What `found` candidates in a `percent` sample say of the whole table. */
export function scaledSample(found: number, percent: number): number {
  return Math.round((found * 100) / percent);
}

/** `where`: the candidates in the range, on the root table aliased `t`, with `params`. The table's size comes from
 * its files (a partitioned table's leaves summed), not from statistics that may never have been taken. */
export async function sampledCandidates(
  costs: QueryCosts,
  t: TableSql,
  where: string,
  params: unknown[],
  samplePages: number,
): Promise<SampledCandidates> {
  const size = await costs.costed<{ pages: string }>(
    `${t.table}: pages`,
    `SELECT (coalesce(sum(pg_relation_size(c.oid)), 0) / current_setting('block_size')::int)::text AS pages
       FROM pg_class c
      WHERE c.oid = $1::regclass OR c.oid IN (SELECT relid FROM pg_partition_tree($1::regclass) WHERE isleaf)`,
    [t.table],
  );
  const percent = samplePercent(Number(size.rows[0]?.pages ?? 0), samplePages);
  // REPEATABLE: the same pages each time the table is as it was, so that two questions in a row agree.
  const sample = await costs.costed<{ n: string }>(
    `${t.table}: sampled candidates`,
    `SELECT count(*)::text AS n FROM ${t.table} t TABLESAMPLE SYSTEM (${percent}) REPEATABLE (0) WHERE ${where}`,
    params,
  );
  const found = Number(sample.rows[0]?.n ?? 0);
  return {
    rows: scaledSample(found, percent),
    found,
    percent,
    cost: { ...sample.cost, ms: tenthsOfMs(size.cost.ms, sample.cost.ms) },
  };
}
