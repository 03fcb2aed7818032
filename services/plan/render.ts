// The readable `plan`: a histogram of the cold tickets by month of last operation, sizes, the next 30 days, the
// backfill's duration, and what each query cost.
import { humanSeconds } from '../core/humanDuration.ts';
import { BUCKET_CEILING } from '../edges/hotStore/index.ts';
import type { PlanReport } from './plan.ts';

const n = (x: number) => x.toLocaleString('en');
const bytes = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);

function histogram(rows: Array<{ label: string; count: number }>, width = 50): string[] {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return rows.map(
    (r) =>
      `  ${r.label}  ${'█'.repeat(Math.max(r.count > 0 ? 1 : 0, Math.round((r.count / max) * width))).padEnd(width)} ${n(r.count)}`,
  );
}

export function renderPlan(p: PlanReport): string {
  const out: string[] = [];
  const basis = p.cold.sampled
    ? `counted in ${p.cold.samplePercent}% of the table's pages`
    : p.cold.estimated
      ? `counted where a month has up to ${n(BUCKET_CEILING)} candidates, extrapolated from ${n(BUCKET_CEILING)} of them where it has more`
      : 'counted';
  const about = p.cold.sampled || p.cold.estimated ? 'about ' : '';
  out.push(
    `Table ${p.table.name}: about ${n(p.table.rowsEstimate)} rows, ${bytes(p.table.bytes)}; candidates found through index ${p.table.candidateIndex}`,
    `Tickets cold now (in the cold state, last operated more than ${humanSeconds(p.coldAfterMs / 1000)} ago): ${about}${n(p.cold.count)} (${basis})`,
    '',
  );
  if (p.heldBack.length > 0) {
    out.push('Held hot by foreign keys of other tables (a move never deletes a ticket another row references):');
    for (const h of p.heldBack)
      out.push(
        `  ${h.table} (${h.constraint}, ON DELETE ${h.onDelete.toUpperCase()}): ${h.estimated ? 'about ' : ''}${n(h.tickets)} cold tickets`,
      );
    out.push('');
  }
  out.push(
    'By month of last operation:',
    ...histogram(p.cold.byMonth.map((m) => ({ label: m.month, count: m.count }))),
    '',
  );
  out.push(
    `Size in the hot table   about ${bytes(p.sizes.hotBytesEstimate)}`,
    `Size in the cold store  about ${bytes(p.sizes.coldBytesEstimate)}`,
    `  (${p.sizes.basis})`,
    '',
  );
  out.push(
    'Turning cold per day over the next 30 days:',
    ...histogram(
      p.turningColdPerDay.map((d) => ({ label: d.day, count: d.count })),
      40,
    ),
    '',
  );
  out.push(
    `Backfill: ${p.backfill.seconds === null ? 'no estimate' : `about ${humanSeconds(p.backfill.seconds)}`} at ${p.backfill.ratePerSecond ?? '?'} tickets/s (${p.backfill.rateBasis})`,
    '',
  );
  out.push('Queries (read-only, no lock stronger than a plain SELECT):');
  for (const q of p.queries)
    out.push(
      `  ${q.name.padEnd(42)} ${String(q.ms).padStart(8)} ms   ${q.plan} (${q.estimate ? 'estimated' : 'answer'}: ${n(q.estimatedRows)} rows)`,
    );
  return out.join('\n');
}
