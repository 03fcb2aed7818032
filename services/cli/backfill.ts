// `ticket-archiver backfill`: moves the tickets of an existing table that are cold now, straight from the hot
// database, and sets the timers of those closed but not yet cold; prints progress and a summary; resumable.
import { backfill } from '../backfill/runBackfill.ts';
import { backfillSchema } from '../backfill/settings.ts';
import { isoOf } from '../backfill/slices.ts';
import { loadConfig } from '../core/settings.ts';
import type { BackfillSlice } from '../edges/coldStore/index.ts';
import { createLogger } from '../runtime/logger.ts';

/** How far through its range of last_operated_at a slice is (0..1). */
function position(s: BackfillSlice): number {
  if (s.done) return 1;
  if (!s.after) return 0;
  const from = Date.parse(isoOf(s.from));
  const to = s.to === 'infinity' ? Date.now() : Date.parse(isoOf(s.to));
  return to > from ? Math.min(1, (Date.parse(isoOf(s.after.lastOperatedAt)) - from) / (to - from)) : 0;
}

export async function runBackfillCommand(o: { name: string; restart: boolean; json: boolean }): Promise<number> {
  const settings = loadConfig(process.env, backfillSchema);
  const log = createLogger('ticket-archiver-backfill', settings.LOG_LEVEL);
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const began = Date.now();
  let lastPrint = 0;
  const summary = await backfill(settings, log, {
    name: o.name,
    restart: o.restart,
    stopped: () => stopping,
    onPage(slices) {
      if (Date.now() - lastPrint < 5000) return;
      lastPrint = Date.now();
      const moves = slices.filter((s) => s.kind === 'move');
      const moved = moves.reduce((n, s) => n + s.handled, 0);
      const done = moves.length ? moves.reduce((n, s) => n + position(s), 0) / moves.length : 1;
      const seconds = (Date.now() - began) / 1000;
      log.info(
        {
          backfill: o.name,
          moved,
          perSecond: Math.round(moved / seconds),
          positionPercent: Math.round(done * 1000) / 10,
          timersSet: slices.filter((s) => s.kind === 'timers').reduce((n, s) => n + s.handled, 0),
        },
        'backfill progress',
      );
    },
  });
  const report = {
    backfill: summary.name,
    complete: summary.complete,
    seconds: Math.round(summary.seconds),
    outcomes: summary.outcomes,
    slices: summary.slices.map((s) => ({
      slice: s._id,
      kind: s.kind,
      from: s.from,
      to: s.to,
      read: s.read,
      handled: s.handled,
      done: s.done,
    })),
  };
  if (o.json) console.log(JSON.stringify(report));
  else {
    console.log(
      `backfill ${report.backfill}: ${report.complete ? 'complete' : 'stopped (run it again to resume)'} after ${report.seconds} s`,
    );
    for (const s of report.slices)
      console.log(
        `  ${s.slice.padEnd(16)} ${s.kind.padEnd(7)} ${s.from} .. ${s.to}  read ${s.read}, ${s.kind === 'move' ? 'archived' : 'timers set'} ${s.handled}${s.done ? '' : '  (not done)'}`,
      );
    console.log(`  outcomes: ${JSON.stringify(report.outcomes)}`);
  }
  return summary.complete ? 0 : 1;
}
