// How a backfill shows itself while it runs. On a terminal: a progress bar on stderr (how far through the cold time
// range the move slices have read, tickets moved, rate, ETA), with log lines printed above it. Elsewhere (a pod, a
// pipe): a JSON log line every 5 s with the same figures. Either way stdout is left to the result.
import { MultiBar, Presets } from 'cli-progress';
import type { BackfillSlice } from '../edges/coldStore/index.ts';
import { slicePosition } from '../backfill/slices.ts';
import type { LogDestination, Logger } from '../runtime/logger.ts';

export interface BackfillProgress {
  /** Where the command's logs go. */
  logTo: LogDestination;
  onPage(slices: BackfillSlice[], log: Logger): void;
  stop(): void;
}

function figures(slices: BackfillSlice[], began: number) {
  const moves = slices.filter((s) => s.kind === 'move');
  const moved = moves.reduce((n, s) => n + s.handled, 0);
  const position = moves.length ? moves.reduce((n, s) => n + slicePosition(s, Date.now()), 0) / moves.length : 1;
  const timers = slices.filter((s) => s.kind === 'timers').reduce((n, s) => n + s.handled, 0);
  const perSecond = Math.round(moved / Math.max(0.001, (Date.now() - began) / 1000));
  return { moved, position, timers, perSecond };
}

export function backfillProgress(terminal: boolean, dryRun: boolean): BackfillProgress {
  const began = Date.now();
  const verb = dryRun ? 'would move' : 'moved';
  if (!terminal) {
    let lastLine = 0;
    return {
      logTo: 'stderr',
      onPage(slices, log) {
        if (Date.now() - lastLine < 5000) return;
        lastLine = Date.now();
        const f = figures(slices, began);
        const positionPercent = Math.round(f.position * 1000) / 10;
        log.info(
          { moved: f.moved, perSecond: f.perSecond, positionPercent, timersSet: f.timers, dryRun },
          'backfill progress',
        );
      },
      stop: () => undefined,
    };
  }
  const bars = new MultiBar(
    {
      stream: process.stderr,
      format: `backfill {bar} {percentage}% | ${verb} {moved} ({perSecond}/s), timers {timers} | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  const bar = bars.create(1000, 0, { moved: 0, perSecond: 0, timers: 0 });
  return {
    logTo: { write: (line: string) => bars.log(line) },
    onPage(slices) {
      const f = figures(slices, began);
      bar.update(Math.round(f.position * 1000), { moved: f.moved, perSecond: f.perSecond, timers: f.timers });
    },
    stop: () => bars.stop(),
  };
}
