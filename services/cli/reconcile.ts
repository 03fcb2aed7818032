// `ticket-archiver reconcile [--once]`.
import { loadConfig } from '../core/settings.ts';
import { runReconciler } from '../reconciler/reconciler.ts';
import { reconcilerSchema } from '../reconciler/settings.ts';
import { createLogger } from '../runtime/logger.ts';

export async function runReconcile(once: boolean): Promise<number> {
  const settings = loadConfig(process.env, reconcilerSchema);
  const log = createLogger('ticket-archiver-reconciler', settings.LOG_LEVEL);
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const summaries = await runReconciler(settings, log, { once, stopped: () => stopping });
  const last = summaries[summaries.length - 1];
  if (once && last)
    console.log(
      JSON.stringify({
        runId: last._id,
        ok: last.ok,
        counts: last.counts,
        outcomes: last.outcomes,
        errors: last.errors,
      }),
    );
  return last?.ok === false ? 1 : 0;
}
