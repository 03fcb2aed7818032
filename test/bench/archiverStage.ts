// The archiver's stages: one or more archiver processes, with the backfill through the connector's events or
// `ticket-archiver backfill` from the partial index, followed until no cold row is left.
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import type { StackEnv } from '../../infra/local/stack.ts';
import { startArchiverProcess, waitReady, type ArchiverProcess } from '../support/archiverProcess.ts';
import { signalBackfill } from '../support/debeziumSignal.ts';
import type { IsolatedStack } from '../support/isolatedStack.ts';
import { groupAtEnd, topicSettled } from '../support/ticketsTopic.ts';
import { LEDGER } from '../../services/edges/hotStore/tableSql.ts';
import type { BenchStores } from './benchStores.ts';
import { readProfile, type ProfileSummary } from './cpuProfile.ts';
import { etaCheck, etaLine } from './etaChecks.ts';
import { followBackfill, statusEta } from './followBackfill.ts';
import { componentCpu, cpuBetween, peakRssMB, ProcessSampler, processCpuSeconds } from './processUsage.ts';
import {
  freshnessRounds,
  prepare,
  quietWindows,
  trafficOf,
  type BackfillResult,
  type EtaCheck,
  type StageOptions,
} from './stage.ts';
import type { ProgressSample } from './stats.ts';
import { openTicketIds } from './ticketData.ts';
import { UpdateStream } from './updateStream.ts';

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

/**
 * The archiver with `instances` processes: the loaded tickets reach the topic as inserts first (the group starts
 * after them), then the backfill is signalled the way operators start one (an incremental snapshot) and followed
 * until no cold row is left. Optionally freshness afterwards and a CPU profile of the first instance.
 */
export async function archiverStage(
  stack: IsolatedStack,
  o: StageOptions,
  instances: number,
  extras: MoverExtras,
): Promise<BackfillResult> {
  const { env, stores, data } = await prepare(stack, o, extras.fullRowEvents ? 'full-rows' : 'running');
  o.log('waiting for the inserts to reach the topic');
  await topicSettled(env, 600_000 + o.tickets * 2);
  const stream = new UpdateStream(env.MIGRATIONS_DATABASE_URL, await openTicketIds(stores.pool), o.trafficPerSecond);
  stream.start();
  const archivers: ArchiverProcess[] = [];
  let backfillerKill: (() => Promise<void>) | undefined;
  try {
    const quiet = await quietWindows(stream, o);
    const groupId = await groupAtEnd(env, 'bench');
    const throttle = { THROTTLE: String(extras.throttle) };
    for (let i = 0; i < instances; i++)
      archivers.push(
        startArchiver(env, o, groupId, i, extras.profile && i === 0 && extras.path === 'events', throttle),
      );
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
    const usage = archivers.map((a, i) => ({
      name: a.name,
      cpuSeconds: processCpuSeconds(a.proc.pid as number) - (cpuBefore[i] ?? 0),
      peakRssMB: peakRssMB(a.proc.pid as number),
    }));
    if (backfiller && backfillUsage) {
      usage.unshift({ name: 'backfill', ...backfillUsage });
      cpuByComponent.backfill = Math.round(backfillUsage.cpuSeconds * 10) / 10;
      const code = await backfiller.process.exited;
      if (code !== 0 && !windowed)
        o.log(`the backfill exited with ${code}: ${backfiller.process.lines.slice(-5).join(' | ')}`);
    }
    o.log(
      `archiver x${instances}: ${moved} moved in ${seconds.toFixed(1)} s (${(moved / seconds).toFixed(0)}/s)${windowed ? ' (window closed)' : ''}`,
    );
    const eta: EtaCheck[] = etas.map((e) => etaCheck(e, startedAt.getTime(), seconds));
    for (const e of eta) o.log(etaLine(e));

    const freshness = extras.freshness ? await freshnessRounds(stores, o, 60) : undefined;
    for (const a of archivers) {
      const code = await a.stop();
      if (code !== 0) o.log(`${a.name} exited with ${code}: ${a.lines.slice(-5).join(' | ')}`);
    }
    const profile = extras.profile ? readMainThreadProfile(o.profileDir) : undefined;
    const contender =
      extras.path === 'direct'
        ? `direct backfill + archiver x${instances}`
        : `archiver x${instances}${extras.fullRowEvents ? ' whole rows' : ''}`;
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
        ...(extras.profile
          ? [
              `${extras.path === 'direct' ? 'the backfill process' : 'archiver 1'} ran with --cpu-prof (sampling profiler)`,
            ]
          : []),
        ...(extras.path === 'direct'
          ? [
              `tickets moved by \`ticket-archiver backfill\` (BACKFILL_WORKERS=${process.env.BACKFILL_WORKERS ?? '2'}) while the archiver follows the stream`,
            ]
          : []),
        ...(extras.throttle ? ['throttle on (THROTTLE=true, default bounds)'] : ['throttle off (THROTTLE=false)']),
        ...(extras.fullRowEvents
          ? ['connector without column.include.list: events carry every column (bodies included)']
          : []),
      ],
    };
  } finally {
    for (const a of archivers) await a.kill9();
    await backfillerKill?.();
    await stream.stop();
    await stores.close();
  }
}

function startArchiver(
  env: StackEnv,
  o: StageOptions,
  groupId: string,
  i: number,
  profile: boolean,
  extra: Record<string, string>,
): ArchiverProcess {
  return startArchiverProcess(
    env,
    {
      ARCHIVER_GROUP_ID: groupId,
      INSTANCE_NAME: `bench-archiver-${i + 1}`,
      COLD_AFTER: `${o.coldAfterMs}ms`,
      LOG_LEVEL: 'info',
      ...extra,
    },
    profile ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [],
  );
}

function startBackfillProcess(
  env: StackEnv,
  o: StageOptions,
  groupId: string,
  profile: boolean,
  extra: Record<string, string>,
): ArchiverProcess {
  return startArchiverProcess(
    env,
    {
      ARCHIVER_GROUP_ID: groupId,
      INSTANCE_NAME: 'bench-backfill',
      COLD_AFTER: `${o.coldAfterMs}ms`,
      LOG_LEVEL: 'info',
      BACKFILL_WORKERS: process.env.BACKFILL_WORKERS ?? '2',
      ...extra,
    },
    profile ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [],
    ['backfill', '--name', `bench-${Date.now()}`],
  );
}

/** Moves recorded by the movers since `since`, and the commit time of the last one (database clock). */
async function ledgerSince(stores: BenchStores, since: Date): Promise<{ moved: number; lastMoveAt: number }> {
  const { rows } = await stores.pool.query<{ n: string; last: string | null }>(
    `SELECT count(*)::text AS n, (extract(epoch FROM max(at)) * 1000)::bigint::text AS last
       FROM ${LEDGER} WHERE state = 'archived' AND at >= $1`,
    [since],
  );
  return { moved: Number(rows[0]?.n), lastMoveAt: Number(rows[0]?.last ?? since.getTime()) };
}

/** The main thread's profile (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, thread 0); tsx's loader thread
 * writes one too. */
function readMainThreadProfile(dir: string): ProfileSummary | undefined {
  const main = readdirSync(dir)
    .filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f))
    .sort();
  const newest = main[main.length - 1];
  return newest ? readProfile(join(dir, newest)) : undefined;
}
