// The benchmark's stages. Each starts from a wiped stack and freshly generated tickets (the same data for every
// contender), runs the business update stream, and measures one contender or the stores alone.
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StackEnv } from '../../infra/local/stack.ts';
import { loadConnectorDefinition, pauseConnector, registerConnector, waitForConnectorRunning } from '../../services/edges/kafkaConnect/index.ts';
import { openBenchStores, type BenchStores } from './benchStores.ts';
import { archiverEnv, groupAtEnd, runCli, signalBackfill, startArchiverProcess, topicSettled, waitReady, type ArchiverProcess } from '../support/archiverProcess.ts';
import type { IsolatedStack } from '../support/isolatedStack.ts';
import { BatchCopier } from './batchCopier.ts';
import { coldSample, coldStoreCeiling, deleteCeiling, type CeilingRun } from './ceilings.ts';
import { coldStoreCosts, type CostStep } from './coldStoreCosts.ts';
import { readProfile, type ProfileSummary } from './cpuProfile.ts';
import { measureFreshness } from './freshness.ts';
import { componentCpu, cpuBetween, peakRssMB, ProcessSampler, processCpuSeconds } from './processUsage.ts';
import { distribution, type Distribution, type ProgressSample } from './stats.ts';
import { coldLeft, generateTickets, openTicketIds, type GeneratedTickets } from './ticketData.ts';
import { UpdateStream } from './updateStream.ts';

export interface StageOptions {
  tickets: number;
  coldAfterMs: number;
  repeats: number;
  trafficPerSecond: number;
  /** Seconds of each quiet-traffic baseline window. */
  baselineSeconds: number;
  freshnessTickets: number;
  copierBatch: number;
  copierIntervalSeconds: number;
  /** Stop an archiver backfill once this many tickets moved (growth at large sizes: the same work as the main run,
   * on a larger table); undefined runs it to the end. */
  untilMoved?: number;
  profileDir: string;
  log(m: string): void;
}

export interface TrafficPhase {
  /** Latency of the business updates, ms. */
  latency: Distribution;
  errors: number;
}

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
  quietTraffic: TrafficPhase[];
  backfillTraffic: TrafficPhase;
  /** Raw latencies (ms) of the quiet (first window) and backfill phases, for the distribution chart. */
  latencySamples: { quiet: number[]; backfill: number[] };
  cpuByComponent: Record<string, number>;
  archivers?: Array<{ name: string; cpuSeconds: number; peakRssMB: number }>;
  freshness?: { rounds: Array<{ delays: Distribution; notMoved: number }>; all: number[] };
  profile?: ProfileSummary;
  /** What `ticket-archiver status` predicted at 10, 25, 50 and 75% of the backfill, against when it really ended. */
  eta?: EtaCheck[];
  notes: string[];
}

export interface EtaCheck {
  /** Share of the cold tickets moved when status was asked. */
  fraction: number;
  atSeconds: number;
  etaSeconds: number | null;
  basis: string;
  actualSeconds: number;
  /** (predicted - actual) / actual, in percent. */
  errorPercent: number | null;
}

const ETA_AT = [0.1, 0.25, 0.5, 0.75];

/** Asks `ticket-archiver status --json` for its ETA, as an operator would. */
async function statusEta(env: StackEnv, o: StageOptions, groupId: string): Promise<{ etaSeconds: number | null; basis: string }> {
  const res = await runCli(['status', '--json'], archiverEnv(env, { COLD_AFTER: `${o.coldAfterMs}ms`, ARCHIVER_GROUP_ID: groupId }), 120_000);
  const report = JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as { eta?: { seconds: number | null; basis: string } };
  return { etaSeconds: report.eta?.seconds ?? null, basis: report.eta?.basis ?? `no ETA (exit ${res.code})` };
}

export interface CeilingResult {
  sample: number;
  coldStore: CeilingRun[];
  delete: CeilingRun[];
  quietTraffic: TrafficPhase[];
}

const PROGRESS_EVERY_MS = 2000;

/** How the connector runs during a stage: paused (no CDC), as configured, or with whole rows in its events (the
 * configuration before `column.include.list`, kept as a comparison). */
type ConnectorMode = 'paused' | 'running' | 'full-rows';

async function prepare(stack: IsolatedStack, o: StageOptions, connector: ConnectorMode) {
  o.log('starting a wiped stack');
  const env = await stack.fresh();
  if (connector === 'full-rows') {
    const def = loadConnectorDefinition();
    const config = Object.fromEntries(Object.entries(def.config).filter(([k]) => k !== 'column.include.list'));
    await registerConnector(env.KAFKA_CONNECT_URL, { name: def.name, config });
    await sleep(3000); // the reconfigured task restarts
    await waitForConnectorRunning(env.KAFKA_CONNECT_URL, def.name, 120_000);
  }
  const stores = await openBenchStores({ databaseUrl: env.DATABASE_URL, mongodbUrl: env.MONGODB_URL, coldAfterMs: o.coldAfterMs, poolSize: 4 });
  await stores.cold.ensureIndexes();
  // The batch copier and the ceilings run without CDC, as they would in production; the slot keeps the WAL meanwhile.
  if (connector === 'paused') await pauseConnector(env.KAFKA_CONNECT_URL, loadConnectorDefinition().name);
  const data = await generate(stores, o);
  return { env, stores, data };
}

async function generate(stores: BenchStores, o: StageOptions): Promise<GeneratedTickets> {
  const data = await generateTickets(stores.pool, o.tickets, o.coldAfterMs, (m) => o.log(m));
  o.log(`${data.total} tickets (${data.cold} cold), bodies ${data.bodyBytes.min}..${data.bodyBytes.max} B (mean ${data.bodyBytes.mean}), table ${Math.round(data.tableBytes / 2 ** 20)} MiB, in ${data.seconds.toFixed(0)} s`);
  return data;
}

/** Quiet baselines: the update stream alone, `repeats` windows. */
async function quietWindows(stream: UpdateStream, o: StageOptions): Promise<{ phases: TrafficPhase[]; first: number[] }> {
  const phases: TrafficPhase[] = [];
  let first: number[] = [];
  for (let i = 0; i < o.repeats; i++) {
    const from = stream.now();
    const errorsBefore = stream.errors;
    await sleep(o.baselineSeconds * 1000);
    // Updates still in flight at the window's end are waited for, so the slowest are not dropped.
    await sleep(1000);
    const latencies = stream.latencies(from, from + o.baselineSeconds * 1000);
    if (i === 0) first = latencies;
    phases.push({ latency: distribution(latencies), errors: stream.errors - errorsBefore });
  }
  o.log(`quiet update latency p99: ${phases.map((p) => p.latency.p99.toFixed(1)).join(', ')} ms`);
  return { phases, first };
}

/** The update stream's latency before (quiet) and during a backfill that ran from `from` to `to`. */
function trafficOf(stream: UpdateStream, quiet: { phases: TrafficPhase[]; first: number[] }, from: number, to: number, errorsBefore: number) {
  const during = stream.latencies(from, to);
  return {
    quietTraffic: quiet.phases,
    backfillTraffic: { latency: distribution(during), errors: stream.errors - errorsBefore },
    latencySamples: { quiet: quiet.first, backfill: during },
  };
}

/** Samples the cold rows left in the hot table until none is left, `until` says stop, or the window closes. */
async function followBackfill(
  stores: BenchStores,
  o: StageOptions,
  initialCold: number,
  began: number,
  until: () => boolean,
  etaProbe?: () => Promise<{ etaSeconds: number | null; basis: string }>,
): Promise<{ progress: ProgressSample[]; left: number; windowed: boolean; etas: Array<Omit<EtaCheck, 'actualSeconds' | 'errorPercent'>> }> {
  const progress: ProgressSample[] = [{ atMs: 0, done: 0 }];
  const etas: Array<Omit<EtaCheck, 'actualSeconds' | 'errorPercent'>> = [];
  const pending: Array<Promise<void>> = [];
  let asked = 0;
  let lastLog = 0;
  for (;;) {
    await sleep(PROGRESS_EVERY_MS);
    const left = await coldLeft(stores.pool, o.coldAfterMs);
    const atMs = performance.now() - began;
    progress.push({ atMs, done: initialCold - left });
    const fraction = (initialCold - left) / initialCold;
    const next = ETA_AT[asked];
    if (etaProbe && next !== undefined && fraction >= next && left > 0) {
      asked++;
      pending.push(etaProbe().then((e) => void etas.push({ fraction: Math.round(fraction * 1000) / 1000, atSeconds: atMs / 1000, ...e })));
    }
    if (atMs - lastLog > 30_000) {
      lastLog = atMs;
      o.log(`moved ${initialCold - left} of ${initialCold} (${(((initialCold - left) * 1000) / atMs).toFixed(0)}/s so far)`);
    }
    if (left === 0 || until()) return { progress, left, windowed: false, etas: await Promise.all(pending).then(() => etas) };
    if (o.untilMoved !== undefined && initialCold - left >= o.untilMoved) return { progress, left, windowed: true, etas: await Promise.all(pending).then(() => etas) };
  }
}

/** Ceilings on freshly generated data with nothing else running, then the same repeats of the quiet baseline. */
export async function ceilingStage(stack: IsolatedStack, o: StageOptions): Promise<CeilingResult> {
  const { stores, data } = await prepare(stack, o, 'paused');
  try {
    const sample = Math.min(20_000, Math.floor(data.cold / (o.repeats + 1)));
    const result: CeilingResult = { sample, coldStore: [], delete: [], quietTraffic: [] };
    for (let i = 0; i < o.repeats; i++) {
      const ids = await coldSample(stores, o.coldAfterMs, sample);
      result.coldStore.push(await coldStoreCeiling(stores, ids));
      result.delete.push(await deleteCeiling(stores, ids));
      o.log(`ceilings run ${i + 1}: cold store ${result.coldStore[i]?.perSecond.toFixed(0)}/s, delete ${result.delete[i]?.perSecond.toFixed(0)}/s`);
    }
    return result;
  } finally {
    await stores.close();
  }
}

/** The direct batch copier: a quiet baseline, one full backfill pass under the update stream, then freshness with
 * the job scheduled every `copierIntervalSeconds`. */
export async function copierStage(stack: IsolatedStack, o: StageOptions): Promise<BackfillResult> {
  const { env, stores, data } = await prepare(stack, o, 'paused');
  const stream = new UpdateStream(env.DATABASE_URL, await openTicketIds(stores.pool), o.trafficPerSecond);
  stream.start();
  try {
    const quiet = await quietWindows(stream, o);
    const before = componentCpu(stack.settings.dir, new Map());
    const errorsBefore = stream.errors;
    const from = stream.now();
    const began = performance.now();
    const copier = new BatchCopier(stores, o.coldAfterMs, o.copierBatch);
    let done = false;
    const follow = followBackfill(stores, { ...o, untilMoved: undefined }, data.cold, began, () => done);
    const pass = await copier.pass();
    const seconds = (performance.now() - began) / 1000;
    done = true;
    const { progress, left } = await follow;
    const to = stream.now();
    const cpuByComponent = cpuBetween(before, componentCpu(stack.settings.dir, new Map()));
    o.log(`copier: ${pass.deleted} moved in ${seconds.toFixed(1)} s (${(pass.deleted / seconds).toFixed(0)}/s); ${pass.changed} changed before delete`);
    progress.push({ atMs: seconds * 1000, done: pass.deleted });

    // Freshness: the job runs every interval, as cron would start it.
    let scheduling = true;
    const schedule = (async () => {
      while (scheduling) {
        const next = performance.now() + o.copierIntervalSeconds * 1000;
        await copier.pass();
        while (scheduling && performance.now() < next) await sleep(200);
      }
    })();
    const freshness = await freshnessRounds(stores, o, o.copierIntervalSeconds * 2 + 60);
    scheduling = false;
    await schedule;

    return {
      contender: 'batch copier',
      tickets: o.tickets,
      data,
      moved: pass.deleted,
      seconds,
      ticketsPerSecond: pass.deleted / seconds,
      windowed: false,
      coldLeftAtEnd: left,
      progress,
      ...trafficOf(stream, quiet, from, to, errorsBefore),
      cpuByComponent,
      freshness,
      notes: [`scheduled every ${o.copierIntervalSeconds} s for freshness; ${o.copierBatch} rows per batch`, 'Debezium connector paused (the job needs no CDC)'],
    };
  } finally {
    await stream.stop();
    await stores.close();
  }
}

async function freshnessRounds(stores: BenchStores, o: StageOptions, giveUpSeconds: number) {
  const rounds = [];
  const all: number[] = [];
  for (let i = 0; i < o.repeats; i++) {
    const round = await measureFreshness(stores.pool, { count: o.freshnessTickets, spreadSeconds: 60, leadSeconds: 15, coldAfterMs: o.coldAfterMs, giveUpSeconds });
    all.push(...round.delaysSeconds);
    const delays = distribution(round.delaysSeconds);
    rounds.push({ delays, notMoved: round.notMoved });
    o.log(`freshness round ${i + 1}: p50 ${delays.p50.toFixed(1)} s, p99 ${delays.p99.toFixed(1)} s, max ${delays.max.toFixed(1)} s, not moved ${round.notMoved}`);
  }
  return { rounds, all };
}

/**
 * The archiver with `instances` processes: the loaded tickets reach the topic as inserts first (the group starts
 * after them), then the backfill is signalled the way operators start one (an incremental snapshot) and followed
 * until no cold row is left. Optionally freshness afterwards and a CPU profile of the first instance.
 */
export interface MoverExtras {
  freshness: boolean;
  profile: boolean;
  fullRowEvents?: boolean;
  /** events: the connector's incremental snapshot through Kafka to the archivers; direct: `ticket-archiver backfill`
   * from the partial index (beside the archivers, which keep following the stream). */
  path: 'events' | 'direct';
  /** The throttle that protects business traffic (THROTTLE and its bounds); off measures the movers' own speed. */
  throttle: boolean;
  /** Ask `ticket-archiver status` for its ETA along the way. */
  eta?: boolean;
}

export async function archiverStage(stack: IsolatedStack, o: StageOptions, instances: number, extras: MoverExtras): Promise<BackfillResult> {
  const { env, stores, data } = await prepare(stack, o, extras.fullRowEvents ? 'full-rows' : 'running');
  o.log('waiting for the inserts to reach the topic');
  await topicSettled(env, 600_000 + o.tickets * 2);
  const stream = new UpdateStream(env.DATABASE_URL, await openTicketIds(stores.pool), o.trafficPerSecond);
  stream.start();
  const archivers: ArchiverProcess[] = [];
  let backfillerKill: (() => Promise<void>) | undefined;
  try {
    const quiet = await quietWindows(stream, o);
    const groupId = await groupAtEnd(env, 'bench');
    const throttle = { THROTTLE: String(extras.throttle) };
    for (let i = 0; i < instances; i++) archivers.push(startArchiver(env, o, groupId, i, extras.profile && i === 0 && extras.path === 'events', throttle));
    await Promise.all(archivers.map((a) => waitReady(a, 120_000)));
    const names = new Map(archivers.map((a, i) => [a.proc.pid as number, `archiver ${i + 1}`]));
    const before = componentCpu(stack.settings.dir, names);
    const cpuBefore = archivers.map((a) => processCpuSeconds(a.proc.pid as number));
    const errorsBefore = stream.errors;
    const from = stream.now();
    const began = performance.now();
    const startedAt = new Date();
    // The backfill process exits when it is done: its CPU and memory are read while it runs.
    let backfiller: { process: ArchiverProcess; usage: ProcessSampler } | undefined;
    if (extras.path === 'events') {
      await signalBackfill(env);
      o.log(`backfill signalled; ${instances} archiver(s) moving`);
    } else {
      const process = startBackfillProcess(env, o, groupId, extras.profile, throttle);
      backfiller = { process, usage: new ProcessSampler(process.proc.pid as number).start() };
      backfillerKill = () => process.kill9();
      o.log(`ticket-archiver backfill started beside ${instances} archiver(s)`);
    }
    const probe = extras.eta ? () => statusEta(env, o, groupId) : undefined;
    const { progress, left, windowed, etas } = await followBackfill(stores, o, data.cold, began, () => false, probe);
    const backfillUsage = backfiller?.usage.stop();
    const last = progress[progress.length - 1] as ProgressSample;
    const ledger = await ledgerSince(stores, startedAt);
    // A finished backfill ends at the last delete's commit (ledger), not at the poll that noticed it.
    const moved = windowed ? last.done : ledger.moved;
    const seconds = windowed ? last.atMs / 1000 : (ledger.lastMoveAt - startedAt.getTime()) / 1000;
    const to = stream.now();
    const cpuByComponent = cpuBetween(before, componentCpu(stack.settings.dir, names));
    const usage = archivers.map((a, i) => ({ name: a.name, cpuSeconds: processCpuSeconds(a.proc.pid as number) - (cpuBefore[i] ?? 0), peakRssMB: peakRssMB(a.proc.pid as number) }));
    if (backfiller && backfillUsage) {
      usage.unshift({ name: 'backfill', ...backfillUsage });
      cpuByComponent.backfill = Math.round(backfillUsage.cpuSeconds * 10) / 10;
      const code = await backfiller.process.exited;
      if (code !== 0 && !windowed) o.log(`the backfill exited with ${code}: ${backfiller.process.lines.slice(-5).join(' | ')}`);
    }
    o.log(`archiver x${instances}: ${moved} moved in ${seconds.toFixed(1)} s (${(moved / seconds).toFixed(0)}/s)${windowed ? ' (window closed)' : ''}`);
    const eta: EtaCheck[] = etas.map((e) => {
      const actualSeconds = seconds - e.atSeconds;
      return { ...e, actualSeconds, errorPercent: e.etaSeconds === null || actualSeconds <= 0 ? null : Math.round(((e.etaSeconds - actualSeconds) / actualSeconds) * 1000) / 10 };
    });
    for (const e of eta) o.log(`ETA at ${e.fraction * 100}%: predicted ${e.etaSeconds ?? 'none'} s, took ${e.actualSeconds.toFixed(0)} s (${e.errorPercent ?? 'n/a'}%)`);

    const freshness = extras.freshness ? await freshnessRounds(stores, o, 60) : undefined;
    for (const a of archivers) {
      const code = await a.stop();
      if (code !== 0) o.log(`${a.name} exited with ${code}: ${a.lines.slice(-5).join(' | ')}`);
    }
    const profile = extras.profile ? readMainThreadProfile(o.profileDir) : undefined;
    const contender = extras.path === 'direct' ? `direct backfill + archiver x${instances}` : `archiver x${instances}${extras.fullRowEvents ? ' whole rows' : ''}`;
    return {
      contender: `${contender}${extras.throttle ? ', throttle on' : ''}`,
      tickets: o.tickets,
      data,
      moved,
      seconds,
      ticketsPerSecond: moved / seconds,
      windowed,
      coldLeftAtEnd: left,
      progress,
      ...trafficOf(stream, quiet, from, to, errorsBefore),
      cpuByComponent,
      archivers: usage,
      ...(freshness ? { freshness } : {}),
      ...(profile ? { profile } : {}),
      ...(eta.length > 0 ? { eta } : {}),
      notes: [
        ...(extras.profile ? [`${extras.path === 'direct' ? 'the backfill process' : 'archiver 1'} ran with --cpu-prof (sampling profiler)`] : []),
        ...(extras.path === 'direct' ? [`tickets moved by \`ticket-archiver backfill\` (BACKFILL_WORKERS=${process.env.BACKFILL_WORKERS ?? '2'}) while the archiver follows the stream`] : []),
        ...(extras.throttle ? ['throttle on (THROTTLE=true, default bounds)'] : ['throttle off (THROTTLE=false)']),
        ...(extras.fullRowEvents ? ['connector without column.include.list: events carry every column (bodies included)'] : []),
      ],
    };
  } finally {
    for (const a of archivers) await a.kill9();
    await backfillerKill?.();
    await stream.stop();
    await stores.close();
  }
}

function startArchiver(env: StackEnv, o: StageOptions, groupId: string, i: number, profile: boolean, extra: Record<string, string>): ArchiverProcess {
  return startArchiverProcess(
    env,
    { ARCHIVER_GROUP_ID: groupId, INSTANCE_NAME: `bench-archiver-${i + 1}`, COLD_AFTER: `${o.coldAfterMs}ms`, LOG_LEVEL: 'info', ...extra },
    profile ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [],
  );
}

function startBackfillProcess(env: StackEnv, o: StageOptions, groupId: string, profile: boolean, extra: Record<string, string>): ArchiverProcess {
  return startArchiverProcess(
    env,
    { ARCHIVER_GROUP_ID: groupId, INSTANCE_NAME: 'bench-backfill', COLD_AFTER: `${o.coldAfterMs}ms`, LOG_LEVEL: 'info', BACKFILL_WORKERS: process.env.BACKFILL_WORKERS ?? '2', ...extra },
    profile ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [],
    ['backfill', '--name', `bench-${Date.now()}`],
  );
}

/** Moves recorded by the movers since `since`, and the commit time of the last one (database clock). */
async function ledgerSince(stores: BenchStores, since: Date): Promise<{ moved: number; lastMoveAt: number }> {
  const { rows } = await stores.pool.query<{ n: string; last: string | null }>(
    `SELECT count(*)::text AS n, (extract(epoch FROM max(at)) * 1000)::bigint::text AS last
       FROM public.ticket_archiver_ledger WHERE state = 'archived' AND at >= $1`,
    [since],
  );
  return { moved: Number(rows[0]?.n), lastMoveAt: Number(rows[0]?.last ?? since.getTime()) };
}

/** The main thread's profile (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, thread 0); tsx's loader thread
 * writes one too. */
function readMainThreadProfile(dir: string): ProfileSummary | undefined {
  const main = readdirSync(dir).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)).sort();
  const newest = main[main.length - 1];
  return newest ? readProfile(join(dir, newest)) : undefined;
}

/** The cold store's operations of a move, timed alone as its collections fill up (no tickets, no CDC needed). */
export async function costStage(stack: IsolatedStack, o: StageOptions): Promise<CostStep[]> {
  o.log('starting a wiped stack');
  const env = await stack.fresh();
  const stores = await openBenchStores({ databaseUrl: env.DATABASE_URL, mongodbUrl: env.MONGODB_URL, coldAfterMs: o.coldAfterMs, poolSize: 2 });
  try {
    await stores.cold.ensureIndexes();
    return await coldStoreCosts(stores, { steps: 2, perStep: 35_000, samples: o.repeats, log: (m) => o.log(m) });
  } finally {
    await stores.close();
  }
}
