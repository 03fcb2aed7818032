// The stores' own ceilings: what the cold store and the hot delete can do alone on the benchmark's data.
import type { IsolatedStack } from '../support/isolatedStack.ts';
import { coldSample, coldStoreCeiling, deleteCeiling } from './ceilings.ts';
import { prepare, type CeilingResult, type StageOptions } from './stage.ts';

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
      o.log(
        `ceilings run ${i + 1}: cold store ${result.coldStore[i]?.perSecond.toFixed(0)}/s, delete ${result.delete[i]?.perSecond.toFixed(0)}/s`,
      );
    }
    return result;
  } finally {
    await stores.close();
  }
}
