// How PostgreSQL answers an operator's question, and what it costs: a query's plan read first (EXPLAIN, which runs
// nothing), then the query timed; or the planner's estimate alone. Counts whose exact answer would read rows in
// proportion to the table are candidateCounts.ts's.
import type pg from 'pg';
import { guarded } from './pool.ts';

export interface QueryCost {
  name: string;
  /** The plan's top node and the index it reads, e.g. "Index Only Scan using ticket_archiver_candidates". */
  plan: string;
  estimatedRows: number;
  ms: number;
  /** The answer is an estimate (the planner's, or extrapolated from the rows a count with a ceiling tested). */
  estimate?: boolean;
}

/** The top node of an EXPLAIN (FORMAT JSON) plan and the first index found under it. */
export function describePlan(plan: Record<string, unknown>): string {
  const nodes: Array<Record<string, unknown>> = [];
  const walk = (n: Record<string, unknown>) => {
    nodes.push(n);
    for (const child of (n.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
  };
  walk(plan);
  const scan =
    nodes.find((n) => typeof n['Index Name'] === 'string') ??
    nodes.find((n) => String(n['Node Type']).includes('Scan'));
  const top = String(plan['Node Type']);
  if (!scan) return top;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const index = scan['Index Name'] ? ` using ${text(scan['Index Name'])}` : '';
  const relation = scan['Relation Name'] ? ` on ${text(scan['Relation Name'])}` : '';
  const scanText = `${text(scan['Node Type'])}${index}${relation}`;
  return scan === plan ? scanText : `${top} over ${scanText}`;
}

/** Milliseconds as costs report them: the sum of the parts, to a tenth. */
export function tenthsOfMs(...parts: number[]): number {
  return Math.round(parts.reduce((a, b) => a + b, 0) * 10) / 10;
}

export class QueryCosts {
  constructor(private readonly pool: pg.Pool) {}

  /** The plan of a query without running it. The pool may hand json back as text (the movers' pools read every value
   * as text), so both forms are accepted. */
  async plan(sql: string, params: unknown[]): Promise<Record<string, unknown>> {
    const res = await this.pool.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    const raw = res.rows[0]?.['QUERY PLAN'];
    const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as
      Array<{ Plan?: Record<string, unknown> }> | undefined;
    return parsed?.[0]?.Plan ?? {};
  }

  /** Runs `sql`, timed, and describes how PostgreSQL answers it. */
  costed<T extends pg.QueryResultRow>(
    name: string,
    sql: string,
    params: unknown[],
  ): Promise<{ rows: T[]; cost: QueryCost }> {
    return guarded(`running ${name}`, async () => {
      const plan = await this.plan(sql, params);
      const began = performance.now();
      const res = await this.pool.query<T>(sql, params);
      const ms = tenthsOfMs(performance.now() - began);
      return {
        rows: res.rows,
        cost: { name, plan: describePlan(plan), estimatedRows: Number(plan['Plan Rows'] ?? 0), ms },
      };
    });
  }

  /** How many rows the planner expects `sql` to return: no row is read. */
  estimated(name: string, sql: string, params: unknown[]): Promise<{ rows: number; cost: QueryCost }> {
    return guarded(`estimating ${name}`, async () => {
      const began = performance.now();
      const plan = await this.plan(sql, params);
      const rows = Math.round(Number(plan['Plan Rows'] ?? 0));
      const ms = tenthsOfMs(performance.now() - began);
      return { rows, cost: { name, plan: describePlan(plan), estimatedRows: rows, ms, estimate: true } };
    });
  }
}
