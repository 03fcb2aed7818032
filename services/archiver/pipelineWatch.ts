// The rest of the pipeline as metrics, for alerting (infra/monitoring/alerts.yml): the connector's replication slot
// and the WAL it keeps, the connector and its tasks, escalated stuck deletions, and the last reconcile pass that
// completed (the reconciler runs as a job, so a long-lived process has to say when it last succeeded).
import type { Logger } from 'pino';
import { errorMessage } from '../core/errors.ts';
import type { ArchiverMetrics } from './metrics.ts';

export interface PipelineWatchDeps {
  slot(): Promise<{ active: boolean; walRetainedBytes: number } | undefined>;
  /** Whether the connector and all its tasks run; undefined when it cannot be asked (no KAFKA_CONNECT_URL). */
  connectorRunning(): Promise<boolean | undefined>;
  escalated(): Promise<number>;
  lastReconcileOk(): Promise<Date | undefined>;
  metrics: Pick<
    ArchiverMetrics,
    'slotWalRetained' | 'slotActive' | 'connectorRunning' | 'stuckEscalated' | 'lastReconcileOk'
  >;
  log: Logger;
}

export function pipelineWatch(d: PipelineWatchDeps): { start(intervalMs: number): void; stop(): void } {
  let interval: NodeJS.Timeout | undefined;
  async function read(): Promise<void> {
    const slot = await d.slot();
    d.metrics.slotActive.set(slot?.active ? 1 : 0);
    d.metrics.slotWalRetained.set(slot?.walRetainedBytes ?? 0);
    const running = await d.connectorRunning().catch(() => false);
    if (running !== undefined) d.metrics.connectorRunning.set(running ? 1 : 0);
    d.metrics.stuckEscalated.set(await d.escalated());
    const last = await d.lastReconcileOk();
    if (last) d.metrics.lastReconcileOk.set(last.getTime() / 1000);
  }
  const tick = () =>
    void read().catch((err: unknown) =>
      d.log.debug({ err: errorMessage(err) }, 'could not read the pipeline for its metrics'),
    );
  return {
    start(intervalMs) {
      tick();
      interval = setInterval(tick, intervalMs);
    },
    stop: () => clearInterval(interval),
  };
}
