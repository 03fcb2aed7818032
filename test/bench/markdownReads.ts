// RESULTS.md's section on the read API (`ticket-archiver serve`): latency by kind of read and tier.
import type { BenchRun } from './headline.ts';
import { ms, table } from './markdownTable.ts';

export function readsSection(run: BenchRun): string[] {
  const r = run.reads;
  if (!r) return [];
  return [
    '## Reads (the read API, `ticket-archiver serve`)',
    '',
    `${r.tickets} tickets split by the direct backfill into ${r.hot} hot and ${r.archived} archived; ${r.notes.join('; ')}. Latency in ms.`,
    '',
    table(
      ['read', 'tier', 'p50', 'p95', 'p99', 'max', 'answered 200'],
      r.reads.map((x) => [
        x.kind,
        x.tier,
        ms(x.latency.p50),
        ms(x.latency.p95),
        ms(x.latency.p99),
        ms(x.latency.max),
        `${(x.ok * 100).toFixed(1)}%`,
      ]),
    ),
    '',
  ];
}
