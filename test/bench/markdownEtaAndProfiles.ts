// RESULTS.md's sections that explain a run: how far `status`'s ETA was from when the backfill really ended, and where
// the CPU went under load.
import { table } from './markdownTable.ts';
import type { BackfillResult } from './stage.ts';

export function etaSections(cs: BackfillResult[]): string[] {
  return cs
    .filter((c) => c.eta && c.eta.length > 0)
    .flatMap((r) => [
      `## ETA honesty (${r.contender})`,
      '',
      "What `ticket-archiver status` predicted along the way (backlog / the group's 5-minute rate from the ledger), against when the backfill really ended:",
      '',
      table(
        ['moved when asked', 'at s', 'predicted s', 'took s', 'error %', 'basis'],
        (r.eta ?? []).map((e) => [
          `${(e.fraction * 100).toFixed(1)}%`,
          e.atSeconds.toFixed(0),
          e.etaSeconds ?? 'none',
          e.actualSeconds.toFixed(0),
          e.errorPercent ?? 'n/a',
          e.basis,
        ]),
      ),
      '',
    ]);
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
