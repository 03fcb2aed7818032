// `ticket-archiver archive`: runs the archiver until SIGTERM/SIGINT, then stops within SHUTDOWN_TIMEOUT.
import { startArchiver } from '../archiver/archiver.ts';
import { archiverSchema } from '../archiver/settings.ts';
import { loadConfig } from '../core/settings.ts';
import { createLogger } from '../runtime/logger.ts';
import { withSpec } from './archiveSpec.ts';
import { onShutdownSignal } from './shutdown.ts';

export async function runArchive(): Promise<number> {
  const { spec, settings } = withSpec(loadConfig(process.env, archiverSchema));
  const log = createLogger('ticket-archiver', settings.LOG_LEVEL);
  const archiver = await startArchiver(settings, spec, log);
  onShutdownSignal(log, settings.SHUTDOWN_TIMEOUT, (signal) => void archiver.stop(signal));
  const { fatal } = await archiver.stopped;
  return fatal ? 1 : 0;
}
