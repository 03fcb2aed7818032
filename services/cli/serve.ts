// `ticket-archiver serve`: the read API until SIGTERM/SIGINT.
import { loadConfig, withJobDatabaseUrl } from '../core/settings.ts';
import { startReadApi } from '../readApi/serve.ts';
import { readApiSchema } from '../readApi/settings.ts';
import { createLogger } from '../runtime/logger.ts';
import { specOf } from './archiveSpec.ts';
import { onShutdownSignal } from './shutdown.ts';

export async function runServe(): Promise<number> {
  // The reads connect as READ_DATABASE_URL's role when it is set (one that may only SELECT), else DATABASE_URL's.
  const settings = loadConfig(withJobDatabaseUrl(process.env, 'READ_DATABASE_URL'), readApiSchema);
  const log = createLogger('ticket-archiver-read-api', settings.LOG_LEVEL);
  const api = await startReadApi(settings, specOf(settings), log);
  await new Promise<void>((resolve, reject) =>
    onShutdownSignal(log, settings.SHUTDOWN_TIMEOUT, () => void api.stop().then(resolve, reject)),
  );
  return 0;
}
