// The questions `plan` asks before the archiver is enabled, each as one read-only query whose cost is reported: the
// cold tickets by month of last operation (an index-only range of the partial index on closed tickets, or a sample
// of the table's pages for tables where even that is too long), the tickets turning cold per day, and row sizes
// from a sample.
import { closed, coldBefore, coldNow } from './coldRule.ts';
import type { HotInspection, QueryCost } from './inspection.ts';

const SAMPLE_ABOVE_ROWS = 1_000_000;
const SIZE_ROWS = 20_000;

export interface PlanAnswers {
  coldByMonth: Array<{ month: string; count: number }>;
  turningColdByDay: Array<{ day: string; count: number }>;
  /** Average size of a cold row in the hot table, and of its text (what the cold document holds), from a sample. */
  rowBytes: { stored: number; text: number; sampled: number; pageSample: boolean };
  table: { bytes: number; rowsEstimate: number };
  /** The share of the table's pages read, when the counts are a sample; undefined when exact. */
  samplePercent?: number;
  costs: QueryCost[];
}

export async function planAnswers(
  inspect: HotInspection,
  coldAfterMs: number,
  samplePercent?: number,
): Promise<PlanAnswers> {
  const sampled = samplePercent !== undefined;
  const from = sampled ? 'public.tickets t TABLESAMPLE SYSTEM ($2::float8)' : 'public.tickets t';
  const scale = sampled ? 100 / samplePercent : 1;
  const params = sampled ? [coldAfterMs, samplePercent] : [coldAfterMs];

  const months = await inspect.costed<{ month: string; n: string }>(
    sampled ? 'cold tickets by month (sample of pages)' : 'cold tickets by month',
    `SELECT to_char(date_trunc('month', t.last_operated_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, count(*)::text AS n
       FROM ${from} WHERE ${coldNow('t', '$1')} GROUP BY 1 ORDER BY 1`,
    params,
  );
  const days = await inspect.costed<{ day: string; n: string }>(
    'tickets turning cold per day',
    `SELECT to_char(date_trunc('day', (t.last_operated_at + $1::bigint * interval '1 millisecond') AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
            count(*)::text AS n
       FROM public.tickets t WHERE ${closed('t')} AND t.last_operated_at > ${coldBefore('$1')} GROUP BY 1 ORDER BY 1`,
    [coldAfterMs],
  );
  const table = await inspect.costed<{ bytes: string; rows: string }>(
    'table size',
    `SELECT pg_total_relation_size('public.tickets')::text AS bytes, greatest(reltuples, 0)::bigint::text AS rows FROM pg_class WHERE oid = 'public.tickets'::regclass`,
    [],
  );
  // A 1% sample of pages on a big table; on a small one a sample may hold no cold row, so the first cold rows instead.
  const rowsEstimate = Number(table.rows[0]?.rows ?? 0);
  const sizeSource = rowsEstimate >= SAMPLE_ABOVE_ROWS ? 'public.tickets c TABLESAMPLE SYSTEM (1)' : 'public.tickets c';
  const sizes = await inspect.costed<{ stored: number | null; text: number | null; n: string }>(
    rowsEstimate >= SAMPLE_ABOVE_ROWS ? 'cold row sizes (1% sample of pages)' : 'cold row sizes (first cold rows)',
    `SELECT avg(pg_column_size(t.*))::float8 AS stored, avg(octet_length(t::text))::float8 AS text, count(*)::text AS n
       FROM (SELECT c.* FROM ${sizeSource} WHERE ${coldNow('c', '$1')} LIMIT ${SIZE_ROWS}) t`,
    [coldAfterMs],
  );
  const size = sizes.rows[0];
  return {
    coldByMonth: months.rows.map((r) => ({ month: r.month, count: Math.round(Number(r.n) * scale) })),
    turningColdByDay: days.rows.map((r) => ({ day: r.day, count: Number(r.n) })),
    rowBytes: {
      stored: Math.round(size?.stored ?? 0),
      text: Math.round(size?.text ?? 0),
      sampled: Number(size?.n ?? 0),
      pageSample: rowsEstimate >= SAMPLE_ABOVE_ROWS,
    },
    table: { bytes: Number(table.rows[0]?.bytes ?? 0), rowsEstimate },
    ...(sampled ? { samplePercent } : {}),
    costs: [months.cost, days.cost, table.cost, sizes.cost],
  };
}
