// The stages without the archiver: the stores' own ceilings, the cold store's costs as its collections fill, and the
// direct batch copier of seeds/002.
import { setTimeout as sleep } from 'node:timers/promises';
import type { IsolatedStack } from '../support/isolatedStack.ts';
import { BatchCopier } from './batchCopier.ts';
import { openBenchStores } from './benchStores.ts';
import { coldStoreCosts, type CostStep } from './coldStoreCosts.ts';
import { followBackfill } from './followBackfill.ts';
import { componentCpu, cpuBetween } from './processUsage.ts';
import { freshnessRounds, prepare, quietWindows, trafficOf, type BackfillResult, type StageOptions } from './stage.ts';
import { openTicketIds } from './ticketData.ts';
import { UpdateStream } from './updateStream.ts';

export { ceilingStage } from './ceilingStage.ts';

/** The direct batch copier: a quiet baseline, one full backfill pass under the update stream, then freshness with
 * the job scheduled every `copierIntervalSeconds`. */
export async function copierStage(stack: IsolatedStack, o: StageOptions): Promise<BackfillResult> {
  const { env, stores, data } = await prepare(stack, o, 'paused');
  const stream = new UpdateStream(env.MIGRATIONS_DATABASE_URL, await openTicketIds(stores.pool), o.trafficPerSecond);
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
    o.log(
      `copier: ${pass.deleted} moved in ${seconds.toFixed(1)} s (${(pass.deleted / seconds).toFixed(0)}/s); ${pass.changed} changed before delete`,
    );
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
      notes: [
        `scheduled every ${o.copierIntervalSeconds} s for freshness; ${o.copierBatch} rows per batch`,
        'Debezium connector paused (the job needs no CDC)',
      ],
    };
  } finally {
    await stream.stop();
    await stores.close();
  }
}

/** The cold store's operations of a move, timed alone as its collections fill up (no tickets, no CDC needed). */
export async function costStage(stack: IsolatedStack, o: StageOptions): Promise<CostStep[]> {
  o.log('starting a wiped stack');
  const env = await stack.fresh();
  const stores = await openBenchStores({
    databaseUrl: env.MIGRATIONS_DATABASE_URL,
    mongodbUrl: env.MONGODB_URL,
    coldAfterMs: o.coldAfterMs,
    poolSize: 2,
  });
  try {
    await stores.cold.ensureIndexes();
    return await coldStoreCosts(stores, { steps: 2, perStep: 35_000, samples: o.repeats, log: (m) => o.log(m) });
  } finally {
    await stores.close();
  }
}
