// `ticket-archiver serve`: the read API until SIGTERM/SIGINT.
import { loadConfig, withJobDatabaseUrl } from '../core/settings.ts';
import { startReadApi } from '../readApi/serve.ts';
import { readApiSchema } from '../readApi/settings.ts';
import { createLogger } from '../runtime/logger.ts';

export async function runServe(): Promise<number> {
  // The reads connect as READ_DATABASE_URL's role when it is set (one that may only SELECT), else DATABASE_URL's.
  const settings = loadConfig(withJobDatabaseUrl(process.env, 'READ_DATABASE_URL'), readApiSchema);
  const log = createLogger('ticket-archiver-read-api', settings.LOG_LEVEL);
  const api = await startReadApi(settings, log);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log.info({ signal }, 'signal received');
  const timer = setTimeout(() => {
    log.error({ timeoutMs: settings.SHUTDOWN_TIMEOUT }, 'shutdown did not finish in time; exiting');
    process.exit(1);
  }, settings.SHUTDOWN_TIMEOUT);
  timer.unref();
  await api.stop();
  return 0;
}
