// `ticket-archiver status [--json] [--watch N] [--count]`: exit 0 healthy, 1 degraded, 2 a store unreachable. With
// --watch it refreshes until SIGINT/SIGTERM, stopping within SHUTDOWN_TIMEOUT.
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../core/settings.ts';
import { lifecycle } from '../runtime/lifecycle.ts';
import { createLogger } from '../runtime/logger.ts';
import { gatherStatus } from '../status/gather.ts';
import { renderStatus } from '../status/render.ts';
import { statusSchema } from '../status/settings.ts';
import { withSpec } from './archiveSpec.ts';
import { onShutdownSignal } from './shutdown.ts';

export async function runStatus(o: { json: boolean; watchSeconds?: number; count: boolean }): Promise<number> {
  const { spec, settings } = withSpec(loadConfig(process.env, statusSchema));
  const life = lifecycle();
  if (o.watchSeconds !== undefined) {
    const log = createLogger('ticket-archiver-status', settings.LOG_LEVEL, 'stderr');
    onShutdownSignal(log, settings.SHUTDOWN_TIMEOUT, (signal) => life.stop(signal));
  }
  for (;;) {
    const report = await gatherStatus(settings, spec, { count: o.count });
    if (o.watchSeconds !== undefined && !o.json) process.stdout.write('\x1b[2J\x1b[H');
    console.log(o.json ? JSON.stringify(report) : renderStatus(report));
    if (o.watchSeconds === undefined) return report.exitCode;
    await sleep(o.watchSeconds * 1000, undefined, { signal: life.signal }).catch(() => undefined);
    if (life.stopping()) return report.exitCode;
  }
}
