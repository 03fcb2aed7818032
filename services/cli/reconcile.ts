// `ticket-archiver reconcile [--once]`: passes every RECONCILE_INTERVAL until SIGTERM/SIGINT (then stops within
// SHUTDOWN_TIMEOUT), or one pass whose summary is the result on stdout (logs then go to stderr).
import { loadConfig } from '../core/settings.ts';
import { runReconciler } from '../reconciler/reconciler.ts';
import { reconcilerSchema } from '../reconciler/settings.ts';
import { lifecycle } from '../runtime/lifecycle.ts';
import { createLogger } from '../runtime/logger.ts';
import { withSpec } from './archiveSpec.ts';
import { onShutdownSignal } from './shutdown.ts';

export async function runReconcile(once: boolean): Promise<number> {
  const { spec, settings } = withSpec(loadConfig(process.env, reconcilerSchema));
  const log = createLogger('ticket-archiver-reconciler', settings.LOG_LEVEL, once ? 'stderr' : 'stdout');
  const life = lifecycle();
  onShutdownSignal(log, settings.SHUTDOWN_TIMEOUT, (signal) => life.stop(signal));
  const summaries = await runReconciler(settings, spec, log, { once, life });
  const last = summaries[summaries.length - 1];
  if (once && last) {
    const { _id: runId, ok, counts, outcomes, errors } = last;
    console.log(JSON.stringify({ runId, ok, dryRun: settings.DRY_RUN, counts, outcomes, errors }));
  }
  return last?.ok === false ? 1 : 0;
}
