// The stages without the archiver: the stores' own ceilings (ceilingStage.ts), the direct batch copier of seeds/002
// (copierStage.ts), and the cold store's costs as its collections fill.
import type { IsolatedStack } from '../support/isolatedStack.ts';
import { openBenchStores } from './benchStores.ts';
import { coldStoreCosts, type CostStep } from './coldStoreCosts.ts';
import type { StageOptions } from './stage.ts';

export { ceilingStage } from './ceilingStage.ts';
export { copierStage } from './copierStage.ts';

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
