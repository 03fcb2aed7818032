// `ticket-archiver archive`: runs the archiver until SIGTERM/SIGINT, then stops within SHUTDOWN_TIMEOUT.
import { startArchiver } from '../archiver/archiver.ts';
import { archiverSchema } from '../archiver/settings.ts';
import { loadConfig } from '../core/settings.ts';
import { createLogger } from '../runtime/logger.ts';

export async function runArchive(): Promise<number> {
  const settings = loadConfig(process.env, archiverSchema);
  const log = createLogger('ticket-archiver', settings.LOG_LEVEL);
  const archiver = await startArchiver(settings, log);
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'signal received');
    const timer = setTimeout(() => {
      log.error({ timeoutMs: settings.SHUTDOWN_TIMEOUT }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, settings.SHUTDOWN_TIMEOUT);
    timer.unref();
    void archiver.stop(signal);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const { fatal } = await archiver.stopped;
  return fatal ? 1 : 0;
}
