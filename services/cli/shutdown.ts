// The programs' way out: on SIGTERM or SIGINT, log it, start the shutdown, and exit 1 if it has not finished within
// SHUTDOWN_TIMEOUT (a stuck close must not keep a pod past its grace period). Every command that runs until stopped
// or for long (archive, serve, reconcile, backfill, status --watch) goes out this way.
import type { Logger } from '../runtime/logger.ts';

export function onShutdownSignal(log: Logger, timeoutMs: number, shutdown: (signal: NodeJS.Signals) => void): void {
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'signal received');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    shutdown(signal);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
