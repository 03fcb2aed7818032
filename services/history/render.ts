// The readable history, and its chart: tickets archived per hour or day by kind of mover, with the throttled minutes.
import type { TopLevelSpec } from 'vega-lite';
import { humanSeconds } from '../core/humanDuration.ts';
import { chartFrame } from '../runtime/chartFrame.ts';
import type { HistoryReport } from './history.ts';

const n = (x: number) => x.toLocaleString('en');

export function renderHistory(h: HistoryReport): string {
  const out: string[] = [];
  out.push(
    `History ${h.from.slice(0, 16).replace('T', ' ')} .. ${h.to.slice(0, 16).replace('T', ' ')} UTC, by ${h.by}`,
    '',
  );
  out.push(
    `${'from (UTC)'.padEnd(17)} ${'archived'.padStart(10)}  ${'archiver'.padStart(9)} ${'backfill'.padStart(9)} ${'reconc.'.padStart(8)}  ${'stayed hot'.padStart(10)} ${'stuck'.padStart(6)} ${'dead l.'.padStart(7)} ${'max lag'.padStart(9)} ${'s/move'.padStart(7)} ${'throttled'.padStart(9)}`,
  );
  for (const b of h.buckets) {
    const hot =
      (b.otherOutcomes.changed ?? 0) +
      (b.otherOutcomes.notCold ?? 0) +
      (b.otherOutcomes.notDue ?? 0) +
      (b.otherOutcomes.held ?? 0);
    out.push(
      `${b.from.slice(0, 16).replace('T', ' ').padEnd(17)} ${n(b.archived).padStart(10)}  ${n(b.byRole.archiver ?? 0).padStart(9)} ${n(b.byRole.backfill ?? 0).padStart(9)} ${n(b.byRole.reconciler ?? 0).padStart(8)}  ${n(hot).padStart(10)} ${n(b.stuckRecorded).padStart(6)} ${n(b.deadLettered).padStart(7)} ${(b.maxLag === null ? '-' : n(b.maxLag)).padStart(9)} ${(b.secondsPerMove === null ? '-' : b.secondsPerMove.toFixed(2)).padStart(7)} ${`${b.throttledMinutes} min`.padStart(9)}`,
    );
  }
  out.push(
    '',
    `Total archived ${n(h.totals.archived)}, stuck ${n(h.totals.stuckRecorded)}, dead letters ${n(h.totals.deadLettered)} (${n(h.totals.samples)} samples)`,
  );
  if (h.backfills.length > 0) {
    out.push('', 'Backfills:');
    for (const b of h.backfills) {
      out.push(
        `  ${b.name.padEnd(24)} started ${b.startedAt.slice(0, 19).replace('T', ' ')}, ${b.complete ? 'complete' : 'not complete'}${b.processes > 1 ? ` (${b.processesDone} of ${b.processes} processes done)` : ''} after ${humanSeconds(b.seconds)}: ${n(b.archived)} archived, ${n(b.timersSet)} timers set, ${n(b.read)} read`,
      );
    }
  }
  return out.join('\n');
}

export function historyChart(h: HistoryReport): TopLevelSpec {
  const rows = h.buckets.flatMap((b) =>
    Object.entries(b.byRole).map(([role, count]) => ({ from: b.from, role, count, throttled: b.throttledMinutes })),
  );
  return {
    ...chartFrame(`Tickets archived per ${h.by} (${h.from.slice(0, 10)} .. ${h.to.slice(0, 10)})`),
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      x: {
        field: 'from',
        type: 'temporal',
        title: `${h.by} (UTC)`,
        timeUnit: (
          { day: 'utcyearmonthdate', hour: 'utcyearmonthdatehours', minute: 'utcyearmonthdatehoursminutes' } as const
        )[h.by],
      },
      y: { field: 'count', type: 'quantitative', title: 'tickets archived', stack: 'zero' },
      color: { field: 'role', type: 'nominal', title: 'mover' },
      tooltip: [{ field: 'throttled', title: 'throttled minutes' }],
    },
  };
}
