// The archiver's stages: one or more archiver processes (the compiled program), with the backfill through the
// connector's events or `ticket-archiver backfill` from the partial index, followed until no cold row is left, under
// the agents' load (pgbench) in windows alternated with quiet ones (the movers paused).
import { waitReady, type ArchiverProcess } from '../support/archiverProcess.ts';
import { signalBackfill } from '../support/debeziumSignal.ts';
import { backfillSchema } from '../../services/backfill/settings.ts';
import type { BusinessLoad } from './businessLoad.ts';
import { LoadedRun } from './loadedRun.ts';
import type { IsolatedStack } from '../support/isolatedStack.ts';
import { groupAtEnd, topicSettled } from '../support/ticketsTopic.ts';
import { etaCheck, etaLine, type EtaAsked } from './etaChecks.ts';
import { followBackfill, statusEta } from './followBackfill.ts';
import { ledgerSince } from './ledgerProgress.ts';
import { readMainThreadProfile, startArchiver, startBackfillProcess } from './moverProcesses.ts';
import { componentCpu, cpuBetween, ProcessSampler, processCpuSeconds } from './processUsage.ts';
import { freshnessRounds, prepare, type BackfillResult, type EtaCheck, type StageOptions } from './stage.ts';
import type { ProgressSample } from './stats.ts';
import { alternate, pausable, pausedSecondsBefore } from './trafficWindows.ts';

/** The throttle as the benchmark turns it on: the default bounds and the commit bound (off by default). */
const THROTTLE_ON = { THROTTLE: 'true', THROTTLE_COMMIT_SLOWDOWN: '1.2' };

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
  /** The direct path's backfill processes, as the Indexed Job's pods run it (one index each, BACKFILL_INDEXES). */
  backfillProcesses?: number;
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
  const loaded = new LoadedRun(env, o);
  const archivers: ArchiverProcess[] = [];
  let backfillers: Array<{ process: ArchiverProcess; usage: ProcessSampler }> = [];
  try {
    await loaded.before(stores.pool);
    const groupId = await groupAtEnd(env, 'bench');
    // On: every bound, the commits' included (the hot database here has its disk to itself as far as it can).
    const throttle = extras.throttle ? THROTTLE_ON : { THROTTLE: 'false' };
    for (let i = 0; i < instances; i++)
      archivers.push(
        startArchiver(env, o, groupId, i, extras.profile && i === 0 && extras.path === 'events', throttle),
      );
    await Promise.all(archivers.map((a) => waitReady(a, 120_000)));
    const names = new Map(archivers.map((a, i) => [a.proc.pid as number, `archiver ${i + 1}`]));
    const dirs = [stack.settings.dir, stack.settings.storesDataDir];
    const cpu0 = componentCpu(dirs, names);
    const samplers = archivers.map((a) => new ProcessSampler(a.proc.pid as number).start(5000));
    const cpuBefore = archivers.map((a) => processCpuSeconds(a.proc.pid as number));
    const began = performance.now();
    const startedAt = new Date();
    // The backfill processes exit when they are done: their CPU and memory are read while they run.
    if (extras.path === 'events') {
      await signalBackfill(env);
      o.log(`backfill signalled; ${instances} archiver(s) moving`);
    } else {
      const pods = extras.backfillProcesses ?? 1;
      const name = `bench-${Date.now()}`;
      backfillers = Array.from({ length: pods }, (_, i) => {
        const indexed: Record<string, string> =
          pods > 1 ? { BACKFILL_INDEXES: String(pods), JOB_COMPLETION_INDEX: String(i) } : {};
        const process = startBackfillProcess(
          env,
          o,
          groupId,
          extras.profile && i === 0,
          { ...throttle, ...indexed },
          name,
          i,
        );
        return { process, usage: new ProcessSampler(process.proc.pid as number).start(5000) };
      });
      o.log(`ticket-archiver backfill (${pods} process(es)) started beside ${instances} archiver(s)`);
    }
    let finished = false;
    const movers = pausable(() => [...archivers, ...backfillers.map((b) => b.process)].map((a) => a.proc.pid ?? 0));
    const windows = alternate(
      loaded.load,
      loaded.admin,
      movers,
      { seconds: o.baselineSeconds, pairs: o.pairs },
      () => finished,
      (m) => o.log(m),
    );
    const probe = extras.eta ? () => statusEta(env, o, groupId) : undefined;
    const followed = await followBackfill(stores, o, data.cold, began, () => false, probe).finally(
      () => (finished = true),
    );
    const alt = await windows;
    const { progress, left, windowed, etas } = followed;
    const wallSeconds = (performance.now() - began) / 1000;
    const last = progress[progress.length - 1] as ProgressSample;
    const ledger = await ledgerSince(stores.pool, startedAt);
    // A finished backfill ends at the last delete's commit (ledger), not at the poll that noticed it; the quiet
    // windows' pauses are not the movers' time.
    const moved = windowed ? last.done : ledger.moved;
    const endMs = windowed ? startedAt.getTime() + last.atMs : ledger.lastMoveAt;
    const paused = pausedSecondsBefore(alt, endMs);
    const seconds = (endMs - startedAt.getTime()) / 1000 - paused;
    const cpuByComponent = cpuBetween(cpu0, componentCpu(dirs, names));
    const usage = archivers.map((a, i) => {
      const u = (samplers[i] as ProcessSampler).stop();
      return { name: a.name, ...u, cpuSeconds: processCpuSeconds(a.proc.pid as number) - (cpuBefore[i] ?? 0) };
    });
    for (const [i, b] of backfillers.entries()) {
      const name = backfillers.length > 1 ? `backfill ${i}` : 'backfill';
      const u = b.usage.stop();
      usage.splice(i, 0, { name, ...u });
      cpuByComponent[name] = Math.round(u.cpuSeconds * 10) / 10;
      const code = await b.process.exited;
      if (code !== 0 && !windowed) o.log(`${name} exited with ${code}: ${b.process.lines.slice(-5).join(' | ')}`);
    }
    o.log(
      `archiver x${instances}: ${moved} moved in ${seconds.toFixed(1)} s (${(moved / seconds).toFixed(0)}/s, ${paused.toFixed(0)} s of quiet windows not counted)${windowed ? ' (window closed)' : ''}`,
    );
    const eta = etaChecks(etas, startedAt.getTime(), seconds + paused, o);
    const freshness = extras.freshness ? await underLoad(loaded.load, () => freshnessRounds(stores, o, 60)) : undefined;
    for (const a of archivers) {
      const code = await a.stop();
      if (code !== 0) o.log(`${a.name} exited with ${code}: ${a.lines.slice(-5).join(' | ')}`);
    }
    const profile = extras.profile ? readMainThreadProfile(o.profileDir) : undefined;
    const pods = extras.backfillProcesses ?? 1;
    const contender =
      extras.path === 'direct'
        ? `direct backfill${pods > 1 ? ` x${pods} processes` : ''} + archiver x${instances}`
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
      ...(await loaded.after(alt, ['ticket_archiver_mover'], wallSeconds, moved)),
      cpuByComponent,
      archivers: usage,
      ...(freshness ? { freshness } : {}),
      ...(profile ? { profile } : {}),
      ...(eta.length > 0 ? { eta } : {}),
      notes: stageNotes(extras),
    };
  } finally {
    for (const a of archivers) await a.kill9();
    for (const b of backfillers) await b.process.kill9();
    await loaded.close();
    await stores.close();
  }
}

/** Windows of business load back to back while `work` runs (freshness is measured under load too). */
async function underLoad<T>(load: BusinessLoad, work: () => Promise<T>): Promise<T> {
  let done = false;
  const loop = (async () => {
    while (!done) await load.window(20);
  })();
  try {
    return await work();
  } finally {
    done = true;
    await loop;
  }
}

function etaChecks(etas: EtaAsked[], beganAtMs: number, wallSeconds: number, o: StageOptions): EtaCheck[] {
  const checks = etas.map((e) => etaCheck(e, beganAtMs, wallSeconds));
  for (const e of checks) o.log(etaLine(e));
  return checks;
}

function stageNotes(extras: MoverExtras): string[] {
  return [
    ...(extras.profile
      ? [`${extras.path === 'direct' ? 'the backfill process' : 'archiver 1'} ran with --cpu-prof (sampling profiler)`]
      : []),
    ...(extras.path === 'direct'
      ? [
          `tickets moved by \`ticket-archiver backfill\` (BACKFILL_WORKERS=${backfillSchema.shape.BACKFILL_WORKERS.parse(process.env.BACKFILL_WORKERS)}) while the archiver follows the stream`,
        ]
      : []),
    ...(extras.throttle
      ? [
          `throttle on (THROTTLE=true, default bounds, THROTTLE_COMMIT_SLOWDOWN=${THROTTLE_ON.THROTTLE_COMMIT_SLOWDOWN})`,
        ]
      : ['throttle off (THROTTLE=false)']),
    ...(extras.fullRowEvents
      ? ['connector without column.include.list: events carry every column (bodies included)']
      : []),
  ];
}
