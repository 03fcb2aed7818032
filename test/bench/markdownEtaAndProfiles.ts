// RESULTS.md's sections that explain a run: whether `status`'s ETA range held the time the backfill really took, and where
// the CPU went under load.
import { etaNoneFrom25, etaWidestPercentFrom25, etaWithinRangeFrom25Percent } from './etaChecks.ts';
import { table } from './markdownTable.ts';
import type { BackfillResult } from './stage.ts';

export function etaSections(cs: BackfillResult[]): string[] {
  return cs
    .filter((c) => c.eta && c.eta.length > 0)
    .flatMap((r) => {
      const checks = r.eta ?? [];
      const within = etaWithinRangeFrom25Percent(checks);
      const none = etaNoneFrom25(checks);
      return [
        `## ETA honesty (${r.contender})`,
        '',
        "What `ticket-archiver status` stated along the way (a range: the backlog at the fastest and the slowest of the current run's full minutes from the ledger, less the tickets turning cold; no estimate before two full minutes after the warm-up), against the time the backfill really took from status's answer:",
        '',
        table(
          ['moved when asked', 'at s', 'stated s', 'midpoint s', 'took s', 'inside', 'width ±%', 'basis'],
          checks.map((e) => [
            `${(e.fraction * 100).toFixed(1)}%`,
            e.atSeconds.toFixed(0),
            e.low === null ? 'none' : `${e.low}–${e.high}`,
            e.etaSeconds ?? 'none',
            e.actualSeconds.toFixed(0),
            e.withinRange === null ? 'n/a' : e.withinRange ? 'yes' : '**no**',
            e.widthPercent ?? 'n/a',
            e.basis,
          ]),
        ),
        '',
        `From 25% on: ${within === null ? 'no checkpoint' : within ? 'every true remaining time inside the stated range' : `not all inside${none > 0 ? ` (${none} checkpoint${none === 1 ? '' : 's'} without an estimate)` : ''}`}; the widest range ±${etaWidestPercentFrom25(checks) ?? 'n/a'}% of its midpoint.`,
        '',
      ];
    });
}

export function profileSections(cs: BackfillResult[]): string[] {
  return cs
    .filter((r) => r.profile)
    .flatMap((profiled) => {
      const p = profiled.profile as NonNullable<BackfillResult['profile']>;
      const who = profiled.contender.startsWith('direct') ? 'the backfill process' : 'archiver 1';
      return [
        `## Profile under load: ${who} (${profiled.contender}, V8 sampling profiler)`,
        '',
        `Profiled ${p.totalSeconds} s; idle (waiting on the stores) ${p.idleShare}% of it.`,
        '',
        table(
          ['area', 'self seconds', 'share %'],
          p.byArea.slice(0, 10).map((a) => [a.area, a.seconds, a.share]),
        ),
        '',
        table(
          ['function', 'area', 'self seconds', 'share %'],
          p.topFunctions.map((f) => [f.name.replaceAll('|', '\\|'), f.area, f.seconds, f.share]),
        ),
        '',
      ];
    });
}
