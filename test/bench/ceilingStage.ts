// The stores' own ceilings, on freshly generated data with nothing else running: the cold store taking moves' copies
// into the real archive collection as it fills (empty, half and all of the generated cold tickets archived), and the
// hot table's guarded delete, each with 1, 2 and 4 writers at once (ceilings.ts).
import { moverSchema } from '../../services/core/settings.ts';
import { openMoverHotStore } from '../../services/edges/hotStore/index.ts';
import type { IsolatedStack } from '../support/isolatedStack.ts';
import { byWriters, coldSample, coldStoreCeiling, deleteCeiling, fillColdStore, type CeilingRun } from './ceilings.ts';
import { prepare, type CeilingResult, type StageOptions } from './stage.ts';

export const CEILING_WRITERS = [1, 2, 4];
/** Shares of the generated cold tickets archived when the cold store is measured. */
const FILLS = [0, 0.5, 1];
/** The most tickets one timed run deletes (each run deletes tickets of its own). */
const MAX_SAMPLE = 20_000;
/** Documents one timed cold store run writes (clones of as many cold tickets: the same ones every run). */
const COLD_RUN = 24_000;

const rate = (r: CeilingRun) => `${r.perSecond.toFixed(0)}/s (${r.rows} in ${r.seconds.toFixed(2)} s)`;

export async function ceilingStage(stack: IsolatedStack, o: StageOptions): Promise<CeilingResult> {
  const { env, stores, data } = await prepare(stack, o, 'none');
  // The movers' role, with a connection for every writer, as an archiver runs its moves.
  const mover = await openMoverHotStore(
    { databaseUrl: env.DATABASE_URL, applicationName: 'bench/ceiling', poolSize: Math.max(...CEILING_WRITERS) + 1 },
    stores.spec,
  ).catch(async (err: unknown) => {
    await stores.close();
    throw err;
  });
  try {
    const hot = mover.tickets(o.coldAfterMs);
    const batchSize = moverSchema.shape.ARCHIVE_BATCH_SIZE.parse(process.env.ARCHIVE_BATCH_SIZE);
    const lockTimeoutMs = moverSchema.shape.DELETE_LOCK_TIMEOUT.parse(process.env.DELETE_LOCK_TIMEOUT);
    const ids = await coldSample(stores, o.coldAfterMs, data.cold);
    // Every writer gets as many batches; the deletes of every run come out of the cold tickets.
    const unit = batchSize * Math.max(...CEILING_WRITERS);
    const runs = CEILING_WRITERS.length * o.repeats;
    const sample = Math.max(unit, Math.floor(Math.min(MAX_SAMPLE, ids.length / (runs + 1)) / unit) * unit);
    if (sample * runs > ids.length) throw new Error(`${ids.length} cold tickets are too few for ${runs} runs`);
    const template = await hot.readColdRows(ids.slice(0, Math.floor(Math.min(COLD_RUN, ids.length) / unit) * unit));

    const fills = FILLS.map((f) => Math.round(ids.length * f));
    const coldStoreRuns: CeilingRun[] = [];
    let round = 0;
    // One run not kept: the first is slower (connections opened, code compiled, caches cold).
    await coldStoreCeiling(stores, template, { batchSize, writers: 1, round: round++, fill: 0 });
    let filled = 0;
    for (const fill of fills) {
      if (fill > filled) {
        const f = await fillColdStore(stores, hot, ids.slice(filled, fill), batchSize, Math.max(...CEILING_WRITERS));
        o.log(`ceilings: ${fill} archives (filled at ${f.perSecond.toFixed(0)}/s with the hot re-reads)`);
        filled = fill;
      }
      // Writer counts alternated within each repeat, so a drift of the machine touches them alike.
      for (let i = 0; i < o.repeats; i++)
        for (const writers of CEILING_WRITERS) {
          const run = await coldStoreCeiling(stores, template, { batchSize, writers, round: round++, fill });
          coldStoreRuns.push(run);
          o.log(`ceilings: cold store at ${fill} archives, ${writers} writers: ${rate(run)}`);
        }
    }

    const deleteRuns: CeilingRun[] = [];
    for (let i = 0; i < o.repeats; i++)
      for (const writers of CEILING_WRITERS) {
        const mine = ids.slice(deleteRuns.length * sample, (deleteRuns.length + 1) * sample);
        const run = await deleteCeiling(hot, mine, { batchSize, writers, lockTimeoutMs });
        deleteRuns.push(run);
        o.log(`ceilings: hot delete, ${writers} writers: ${rate(run)}`);
      }

    const perWriters = byWriters(coldStoreRuns, deleteRuns, fills);
    const top = perWriters.reduce((a, b) => (b.slowerPerSecond > a.slowerPerSecond ? b : a));
    o.log(`ceilings: best ${top.slowerPerSecond.toFixed(0)}/s with ${top.writers} writers (${top.slowerStore})`);
    return {
      batchSize,
      sample,
      coldStoreSample: template.rows.length,
      fills,
      coldStoreRuns,
      deleteRuns,
      byWriters: perWriters,
      best: { writers: top.writers, perSecond: top.slowerPerSecond, store: top.slowerStore },
      coldStore: coldStoreRuns.filter((r) => r.writers === top.writers),
      delete: deleteRuns.filter((r) => r.writers === top.writers),
    };
  } finally {
    await mover.close();
    await stores.close();
  }
}
