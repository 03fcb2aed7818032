// How RESULTS.md writes numbers and tables, the same in every section.
import type { Spread } from './stats.ts';

export const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
export const spreadText = (s: Spread, digits = 0) =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}..${s.max.toFixed(digits)})`;
export const table = (head: string[], rows: Array<Array<string | number>>) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
