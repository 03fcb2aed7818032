// The rest of the pipeline as metrics, for alerting (infra/monitoring/alerts.yml): the connector's replication slot
// and the WAL it keeps, the connector and its tasks, escalated stuck deletions, and the last reconcile pass that
// completed (the reconciler runs as a job, so a long-lived process has to say when it last succeeded).
import type { Logger } from 'pino';
import { errorMessage } from '../core/errors.ts';
import { connectorStatus, isRunning, loadConnectorDefinition } from '../edges/kafkaConnect/index.ts';
import type { MoverKit } from '../movers/moverKit.ts';
import type { Lifecycle } from '../runtime/lifecycle.ts';
import type { ArchiverMetrics } from './metrics.ts';
import type { ArchiverSettings } from './settings.ts';
import type { ArchiveSpec } from '../core/spec/archiveSpec.ts';
import type { SlotState } from '../edges/hotStore/index.ts';

/** The connector's slot as the metrics show it (the alert rules read these shapes; test/integration/slotWalAlert.test.ts
 * checks them against a real slot running out of WAL). */
export function slotGauges(slot: SlotState | undefined): {
  active: number;
  retained: number;
  limit: number;
  lost: number;
} {
  return {
    active: slot?.active ? 1 : 0,
    retained: slot?.walRetainedBytes ?? 0,
    limit: slot?.walLimitBytes ?? -1,
    lost: slot?.lost ? 1 : 0,
  };
}

export interface PipelineWatchDeps {
  slot(): Promise<SlotState | undefined>;
  /** Whether the connector and all its tasks run; undefined when it cannot be asked (no KAFKA_CONNECT_URL). */
  connectorRunning(): Promise<boolean | undefined>;
  escalated(): Promise<number>;
  lastReconcileOk(): Promise<Date | undefined>;
  metrics: Pick<
    ArchiverMetrics,
    | 'slotWalRetained'
    | 'slotWalLimit'
    | 'slotLost'
    | 'slotActive'
    | 'connectorRunning'
    | 'stuckEscalated'
    | 'lastReconcileOk'
  >;
  log: Logger;
}

/** Reads the pipeline at once and then every `intervalMs` until `life` stops. */
function watchPipeline(d: PipelineWatchDeps, intervalMs: number, life: Lifecycle): void {
  async function read(): Promise<void> {
    const slot = slotGauges(await d.slot());
    d.metrics.slotActive.set(slot.active);
    d.metrics.slotWalRetained.set(slot.retained);
    d.metrics.slotWalLimit.set(slot.limit);
    d.metrics.slotLost.set(slot.lost);
    const running = await d.connectorRunning().catch(() => false);
    if (running !== undefined) d.metrics.connectorRunning.set(running ? 1 : 0);
    d.metrics.stuckEscalated.set(await d.escalated());
    const last = await d.lastReconcileOk();
    if (last) d.metrics.lastReconcileOk.set(last.getTime() / 1000);
  }
  life.every(
    intervalMs,
    read,
    (err) => d.log.debug({ err: errorMessage(err) }, 'could not read the pipeline for its metrics'),
    true,
  );
}

/** The pipeline of this archiver's settings: the connector's slot and state, and what the cold store records. */
export function watchArchiverPipeline(
  s: ArchiverSettings,
  spec: ArchiveSpec,
  kit: Pick<MoverKit, 'hot' | 'cold'>,
  metrics: PipelineWatchDeps['metrics'],
  log: Logger,
  life: Lifecycle,
): void {
  const connector = loadConnectorDefinition(spec);
  const connectUrl = s.KAFKA_CONNECT_URL;
  watchPipeline(
    {
      slot: () => kit.hot.inspection.slot(connector.config['slot.name'] ?? 'ticket_archiver_cdc'),
      connectorRunning: async () =>
        connectUrl ? isRunning(await connectorStatus(connectUrl, connector.name)) : undefined,
      escalated: async () => (await kit.cold.stuck.summary()).escalated,
      lastReconcileOk: async () => (await kit.cold.runs.latest()).lastOk?.endedAt,
      metrics,
      log,
    },
    30_000,
    life,
  );
}
