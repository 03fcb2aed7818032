// The direct batch copier of seeds/002, the contender operators would otherwise write: a quiet baseline, one full
// backfill pass under the agents' load in windows alternated with quiet ones (the copier held between batches), then
// freshness with the job scheduled every `copierIntervalSeconds`.
import { setTimeout as sleep } from 'node:timers/promises';
import { LoadedRun } from './loadedRun.ts';
import type { IsolatedStack } from '../support/isolatedStack.ts';
import { BatchCopier } from './batchCopier.ts';
import { followBackfill } from './followBackfill.ts';
import { componentCpu, cpuBetween } from './processUsage.ts';
import { freshnessRounds, prepare, type BackfillResult, type StageOptions } from './stage.ts';
import { alternate } from './trafficWindows.ts';

export async function copierStage(stack: IsolatedStack, o: StageOptions): Promise<BackfillResult> {
  const { env, stores, data } = await prepare(stack, o, 'none');
  const loaded = new LoadedRun(env, o);
  try {
    await loaded.before(stores.pool);
    const dirs = [stack.settings.dir, stack.settings.storesDataDir];
    const cpu0 = componentCpu(dirs, new Map());
    const began = performance.now();
    const copier = new BatchCopier(stores, o.coldAfterMs, o.copierBatch);
    let done = false;
    const windows = alternate(
      loaded.load,
      loaded.admin,
      { pause: () => copier.pause(), resume: () => copier.resume() },
      { seconds: o.baselineSeconds, pairs: o.pairs },
      () => done,
      (m) => o.log(m),
    );
    const follow = followBackfill(
      stores,
      { ...o, untilMoved: undefined },
      data.cold,
      began,
      () => done,
      undefined,
      () => copier.deleted,
    );
    const pass = await copier.pass();
    done = true;
    const wallSeconds = (performance.now() - began) / 1000;
    const alt = await windows;
    const seconds = wallSeconds - alt.pausedSeconds;
    const { progress, left } = await follow;
    const cpuByComponent = cpuBetween(cpu0, componentCpu(dirs, new Map()));
    o.log(
      `copier: ${pass.deleted} moved in ${seconds.toFixed(1)} s (${(pass.deleted / seconds).toFixed(0)}/s); ${pass.changed} changed before delete`,
    );
    progress.push({ atMs: wallSeconds * 1000, done: pass.deleted });

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
      ...(await loaded.after(alt, ['ticket_archiver'], wallSeconds, pass.deleted)),
      cpuByComponent,
      freshness,
      notes: [
        `scheduled every ${o.copierIntervalSeconds} s for freshness; ${o.copierBatch} rows per batch`,
        'Debezium connector paused (the job needs no CDC)',
        'runs inside the benchmark process (its CPU is not in the table)',
      ],
    };
  } finally {
    await loaded.close();
    await stores.close();
  }
}
