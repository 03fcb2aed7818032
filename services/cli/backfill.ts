// `ticket-archiver backfill`: moves the tickets of an existing table that are cold now, straight from the hot
// database, and sets the timers of those closed but not yet cold; shows its progress (backfillProgress.ts) and prints a
// summary (or --json) on stdout; resumable; stops within SHUTDOWN_TIMEOUT of SIGTERM/SIGINT, saving where it was.
import { backfill } from '../backfill/runBackfill.ts';
import { backfillSchema } from '../backfill/settings.ts';
import type { BackfillSummary } from '../backfill/backfill.ts';
import { errorMessage, EXIT_CANNOT_RETRY, TicketArchiverError } from '../core/errors.ts';
import { loadConfig } from '../core/settings.ts';
import { lifecycle } from '../runtime/lifecycle.ts';
import { createLogger } from '../runtime/logger.ts';
import { backfillProgress } from './backfillProgress.ts';
import { withSpec } from './archiveSpec.ts';
import { onShutdownSignal } from './shutdown.ts';

function report(summary: BackfillSummary) {
  return {
    backfill: summary.name,
    dryRun: summary.dryRun,
    complete: summary.complete,
    seconds: Math.round(summary.seconds),
    outcomes: summary.outcomes,
    // This process's share (a Kubernetes Indexed Job's index): the slices below are its own.
    index: summary.index,
    of: summary.indexes,
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
}

function printText(r: ReturnType<typeof report>): void {
  const state = r.complete ? 'complete' : 'stopped (run it again to resume)';
  const share = r.of > 1 ? ` (process ${r.index} of ${r.of}: its own slices)` : '';
  console.log(
    `backfill ${r.backfill}${share}${r.dryRun ? ' (dry run: nothing written)' : ''}: ${state} after ${r.seconds} s`,
  );
  for (const s of r.slices) {
    const handled = s.kind === 'move' ? (r.dryRun ? 'would move' : 'archived') : r.dryRun ? 'timers due' : 'timers set';
    const range = `${s.from} .. ${s.to}`;
    console.log(
      `  ${s.slice.padEnd(16)} ${s.kind.padEnd(7)} ${range}  read ${s.read}, ${handled} ${s.handled}${s.done ? '' : '  (not done)'}`,
    );
  }
  console.log(`  outcomes: ${JSON.stringify(r.outcomes)}`);
}

/** Exits EXIT_CANNOT_RETRY on an error retrying cannot cure (a setting, the spec, the plan, a privilege): the
 * Indexed Job fails that index at once (infra/k8s/components/backfill/backfill-job.yaml); any other failure exits 1
 * and a new pod resumes. */
export async function runBackfillCommand(o: { name: string; restart: boolean; json: boolean }): Promise<number> {
  try {
    return await backfillCommand(o);
  } catch (err) {
    if (!(err instanceof TicketArchiverError) || err.retriable) throw err;
    console.error(`ticket-archiver: ${errorMessage(err)}`);
    return EXIT_CANNOT_RETRY;
  }
}

async function backfillCommand(o: { name: string; restart: boolean; json: boolean }): Promise<number> {
  const { spec, settings } = withSpec(loadConfig(process.env, backfillSchema));
  const progress = backfillProgress(process.stderr.isTTY === true && !o.json, settings.DRY_RUN);
  const log = createLogger('ticket-archiver-backfill', settings.LOG_LEVEL, progress.logTo);
  const life = lifecycle();
  onShutdownSignal(log, settings.SHUTDOWN_TIMEOUT, (signal) => life.stop(signal));
  let summary: BackfillSummary;
  try {
    summary = await backfill(settings, spec, log, {
      name: o.name,
      restart: o.restart,
      life,
      onPage: (slices) => progress.onPage(slices, log),
    });
  } finally {
    progress.stop();
  }
  if (o.json) console.log(JSON.stringify(report(summary)));
  else printText(report(summary));
  return summary.complete ? 0 : 1;
}
