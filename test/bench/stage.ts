// What every stage of the benchmark shares: its options and results, a wiped stack with freshly generated tickets
// (the same data for every contender), optionally the hot database confined in memory, and freshness rounds. The
// business load and its windows are loadedRun.ts's.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  loadConnectorDefinition,
  registerConnector,
  waitForConnectorRunning,
} from '../../services/edges/kafkaConnect/index.ts';
import { dropDeskConnector } from '../support/helpdeskStack.ts';
import type { IsolatedStack } from '../support/isolatedStack.ts';
import { defaultSpec } from '../support/specs.ts';
import { openBenchStores, type BenchStores } from './benchStores.ts';
import type { CeilingRun, WriterCeiling } from './ceilings.ts';
import type { ProfileSummary } from './cpuProfile.ts';
import type { EtaCheck } from './etaChecks.ts';
import { measureFreshness } from './freshness.ts';
import { confineHotDatabase } from './hotMemoryLimit.ts';
import { distribution, type Distribution, type ProgressSample } from './stats.ts';
import { generateTickets, type GeneratedTickets } from './ticketData.ts';
import type { BusinessTraffic, WalPerTicket } from './businessTraffic.ts';
import type { MemoryPoint } from './processUsage.ts';

export interface StageOptions {
  tickets: number;
  coldAfterMs: number;
  repeats: number;
  trafficPerSecond: number;
  /** Seconds of each quiet-traffic baseline window. */
  baselineSeconds: number;
  /** Pairs of windows (under the contender, then quiet with it paused) per contender; the rest runs unpaused. */
  pairs: number;
  freshnessTickets: number;
  copierBatch: number;
  copierIntervalSeconds: number;
  /** Stop an archiver backfill once this many tickets moved (growth at large sizes: the same work as the main run,
   * on a larger table); undefined runs it to the end. */
  untilMoved?: number;
  profileDir: string;
  /** What runs the movers and the operators' commands (runCli's `program`): the compiled, installed program. */
  program: string[];
  /** Node options of the movers (a heap bound). */
  moverNodeOptions: string[];
  /** The hot database confined to this much memory, page cache included (the bigger-than-memory run). */
  hotMemoryMb?: number;
  log(m: string): void;
}

export type { TrafficPhase } from './businessTraffic.ts';

export interface BackfillResult {
  contender: string;
  tickets: number;
  data: GeneratedTickets;
  moved: number;
  seconds: number;
  ticketsPerSecond: number;
  /** Cut off at the window before the backfill ended. */
  windowed: boolean;
  /** Hot rows left cold when the measurement ended. */
  coldLeftAtEnd: number;
  progress: ProgressSample[];
  /** Business latency quiet and during (alternated windows), with the ratio of each pair. */
  traffic: BusinessTraffic;
  /** The hot WAL a moved ticket cost (pg_stat_wal), business WAL subtracted. */
  wal?: WalPerTicket;
  cpuByComponent: Record<string, number>;
  archivers?: Array<{ name: string; cpuSeconds: number; peakRssMB: number; memory?: MemoryPoint[] }>;
  freshness?: { rounds: Array<{ delays: Distribution; notMoved: number }>; all: number[] };
  profile?: ProfileSummary;
  /** What `ticket-archiver status` stated (a range) at 10, 25, 50 and 75% of the backfill, against when it really ended. */
  eta?: EtaCheck[];
  notes: string[];
}

export type { EtaCheck } from './etaChecks.ts';

export interface CeilingResult {
  /** Tickets per move (ARCHIVE_BATCH_SIZE): each writer's insertMany or delete. */
  batchSize: number;
  /** Tickets each timed delete run deletes, its batches shared out among its writers. */
  sample: number;
  /** Documents each timed cold store run writes. */
  coldStoreSample: number;
  /** Archives in the collection at each fill level measured (0, half and all of the generated cold tickets). */
  fills: number[];
  coldStoreRuns: CeilingRun[];
  deleteRuns: CeilingRun[];
  byWriters: WriterCeiling[];
  /** The writer count whose slower store is fastest: the slower store's best measured ceiling. */
  best: { writers: number; perSecond: number; store: 'cold store' | 'hot delete' };
  /** The runs at the best writer count (the cold store's at every fill level). */
  coldStore: CeilingRun[];
  delete: CeilingRun[];
}

/** How the connector runs during a stage: none (no CDC: connector and slot removed), as configured, or with whole rows
 * in its events (the configuration before `column.include.list`, kept as a comparison). */
type ConnectorMode = 'none' | 'running' | 'full-rows';

export async function prepare(stack: IsolatedStack, o: StageOptions, connector: ConnectorMode) {
  o.log('starting a wiped stack');
  const env = await stack.fresh();
  if (connector === 'full-rows') {
    const def = loadConnectorDefinition(defaultSpec);
    const config = Object.fromEntries(Object.entries(def.config).filter(([k]) => k !== 'column.include.list'));
    await registerConnector(env.KAFKA_CONNECT_URL, { name: def.name, config });
    await sleep(3000); // the reconfigured task restarts
    await waitForConnectorRunning(env.KAFKA_CONNECT_URL, def.name, 120_000);
  }
  const stores = await openBenchStores({
    databaseUrl: env.MIGRATIONS_DATABASE_URL,
    mongodbUrl: env.MONGODB_URL,
    coldAfterMs: o.coldAfterMs,
    poolSize: 4,
  });
  await stores.cold.ensureIndexes();
  // The batch copier and the ceilings run without CDC, as they would in production. Not a paused connector: its slot
  // would keep the WAL, and once past max_slot_wal_keep_size the checkpointer waits on a walsender blocked writing to
  // the paused task (the copier stalled 3 minutes on a CHECKPOINT that way, cdadc35).
  if (connector === 'none') {
    const def = loadConnectorDefinition(defaultSpec);
    const slot = def.config['slot.name'] ?? 'ticket_archiver_cdc';
    await dropDeskConnector(env, { database: '', connector: def.name, slot, topicPrefix: '' });
  }
  const data = await generate(stores, o);
  if (o.hotMemoryMb !== undefined)
    o.log(confineHotDatabase(join(stack.settings.dataDir, 'postgres', 'pgdata'), o.hotMemoryMb));
  return { env, stores, data };
}

async function generate(stores: BenchStores, o: StageOptions): Promise<GeneratedTickets> {
  const data = await generateTickets(stores.pool, o.tickets, o.coldAfterMs, (m) => o.log(m));
  o.log(
    `${data.total} tickets (${data.cold} cold), bodies ${data.bodyBytes.min}..${data.bodyBytes.max} B (mean ${data.bodyBytes.mean}), table ${Math.round(data.tableBytes / 2 ** 20)} MiB, in ${data.seconds.toFixed(0)} s`,
  );
  return data;
}

export async function freshnessRounds(stores: BenchStores, o: StageOptions, giveUpSeconds: number) {
  const rounds = [];
  const all: number[] = [];
  for (let i = 0; i < o.repeats; i++) {
    const round = await measureFreshness(stores.pool, {
      count: o.freshnessTickets,
      spreadSeconds: 60,
      leadSeconds: 15,
      coldAfterMs: o.coldAfterMs,
      giveUpSeconds,
    });
    all.push(...round.delaysSeconds);
    const delays = distribution(round.delaysSeconds);
    rounds.push({ delays, notMoved: round.notMoved });
    o.log(
      `freshness round ${i + 1}: p50 ${delays.p50.toFixed(1)} s, p99 ${delays.p99.toFixed(1)} s, max ${delays.max.toFixed(1)} s, not moved ${round.notMoved}`,
    );
  }
  return { rounds, all };
}
