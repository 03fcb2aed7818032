// How many candidates (tickets in the index of candidates) within an activity range satisfy a condition (in the cold
// state, not held back, referenced by a key...), answered at a cost with a ceiling whatever the table's size (the
// lesson of seeds/000): the candidates are read in the index's order, at most `ceiling` + 1 of them, each tested; when
// there are no more, the answer is exact. When there are more, it is the share that passed among those read, times
// the candidates in the range: counted from the index alone up to `scopeCeiling` (10 times the ceiling by default:
// some 300 leaf pages of the index, exact on tables of millions; plan's 270 ranges use twice), the planner's estimate
// beyond, or for a question whose range the movers empty (the backlog), a sample of the table's pages
// (candidateSample.ts). A condition that few candidates pass (nearly every ticket held back) thus costs the same as one
// they all pass.
import { sampledCandidates } from './candidateSample.ts';
import { tenthsOfMs, type QueryCost, type QueryCosts } from './queryCosts.ts';
import type { TableSql } from './tableSql.ts';

/** The candidates a count tests at most, by default: a few milliseconds of an index range and its rows. */
export const COUNT_CEILING = 10_000;

export interface CandidateCount {
  rows: number;
  /** Every candidate in the range was tested. */
  exact: boolean;
  cost: QueryCost;
}

export interface CandidateQuestion {
  name: string;
  /** A condition on the activity of row t (uses the parameters). */
  range: string;
  /** What a candidate must satisfy to be counted. */
  filter: string;
  params: unknown[];
  ceiling?: number;
  scopeCeiling?: number;
  /** Beyond the scope's ceiling, count the range's candidates in a sample of this many of the table's pages instead
   * of taking the planner's estimate: for a range the movers are emptying, which the planner's statistics lag. */
  samplePages?: number;
}

export async function countCandidates(costs: QueryCosts, t: TableSql, q: CandidateQuestion): Promise<CandidateCount> {
  const ceiling = q.ceiling ?? COUNT_CEILING;
  const scopeCeiling = q.scopeCeiling ?? ceiling * 10;
  const where = `${t.candidates()} AND ${q.range}`;
  const scope = `FROM ${t.table} t WHERE ${where}`;
  const sample = await costs.costed<{ n: string; hits: string }>(
    q.name,
    `SELECT count(*)::text AS n, count(*) FILTER (WHERE s.hit)::text AS hits
       FROM (SELECT (${q.filter}) IS TRUE AS hit ${scope} ORDER BY ${t.activity()}, ${t.key()} LIMIT ${ceiling + 1}) s`,
    q.params,
  );
  const read = Number(sample.rows[0]?.n ?? 0);
  const hits = Number(sample.rows[0]?.hits ?? 0);
  if (read <= ceiling) return { rows: hits, exact: true, cost: { ...sample.cost, estimatedRows: hits } };
  const inScope = await costs.costed<{ n: string }>(
    `${q.name}: candidates in range`,
    `SELECT count(*)::text AS n FROM (SELECT 1 ${scope} LIMIT ${scopeCeiling + 1}) s`,
    q.params,
  );
  const counted = Number(inScope.rows[0]?.n ?? 0);
  const beyond = counted > scopeCeiling;
  const sampled =
    beyond && q.samplePages ? await sampledCandidates(costs, t, where, q.params, q.samplePages) : undefined;
  const estimated = beyond && !sampled ? (await costs.estimated(q.name, `SELECT 1 ${scope}`, q.params)).rows : 0;
  // Never fewer than were counted: the index held more than the ceiling.
  const candidates = beyond ? Math.max(counted, sampled?.rows ?? estimated) : counted;
  const rows = Math.round((hits / read) * candidates);
  const basis = !beyond
    ? `${counted.toLocaleString('en')} candidates`
    : sampled
      ? `more than ${scopeCeiling.toLocaleString('en')} candidates: ${sampled.found.toLocaleString('en')} in a sample of ${Math.round(sampled.percent * 100) / 100}% of the table's pages, scaled`
      : `more than ${scopeCeiling.toLocaleString('en')} candidates: the planner's estimate of them`;
  const plan = `${sample.cost.plan}; ${hits} of the first ${read.toLocaleString('en')} passed, of ${basis}`;
  return {
    rows,
    exact: false,
    cost: {
      name: q.name,
      plan,
      estimatedRows: rows,
      ms: tenthsOfMs(sample.cost.ms, inScope.cost.ms, sampled?.cost.ms ?? 0),
      estimate: true,
    },
  };
}
