// How many rows a table has lost since the planner's statistics were taken: the planner still counts them until
// autovacuum's next ANALYZE, which a backfill deleting thousands of tickets a second outruns (the benchmark's status
// reported the same backlog at 51% and 76% of a backfill). The activity statistics' live-row count
// (pg_stat_user_tables, kept per transaction, flushed within a second or so) are fresh; the planner's rows for the
// whole table are not: their difference is the rows deleted since. Two catalogue reads, whatever the table's size.
import { tenthsOfMs, type QueryCost, type QueryCosts } from './queryCosts.ts';

export interface StatisticsDrift {
  /** Rows the planner still counts that are no longer live (never below 0). */
  gone: number;
  cost: QueryCost;
}

/** `table`: the quoted, qualified name (a partitioned table's leaves are summed; a plain table has no tree). */
export async function rowsGoneSinceStatistics(costs: QueryCosts, table: string): Promise<StatisticsDrift> {
  const planned = await costs.estimated(`${table}: planner's rows`, `SELECT 1 FROM ${table}`, []);
  const live = await costs.costed<{ n: string | null }>(
    `${table}: live rows`,
    `SELECT sum(s.n_live_tup)::text AS n FROM pg_stat_user_tables s
      WHERE s.relid = $1::regclass OR s.relid IN (SELECT relid FROM pg_partition_tree($1::regclass) WHERE isleaf)`,
    [table],
  );
  const liveRows = live.rows[0]?.n;
  // No activity statistics (track_counts off, or a fresh server): assume no drift rather than invent one.
  const gone = liveRows === null || liveRows === undefined ? 0 : driftOf(planned.rows, Number(liveRows));
  return { gone, cost: { ...live.cost, ms: tenthsOfMs(planned.cost.ms, live.cost.ms) } };
}

/** The planner's rows less the live ones, never negative (inserts since the statistics make the live count grow). */
export function driftOf(plannerRows: number, liveRows: number): number {
  return Math.max(0, Math.round(plannerRows - liveRows));
}
