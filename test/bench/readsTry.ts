// A developer's run of the reads part alone, on a stack of its own (.stack-reads, ports +300) that it leaves up, so
// the cold list can be explained and changed between measurements without regenerating the tickets:
//   tsx test/bench/readsTry.ts split 300000   (wipes the stack, generates, backfills)
//   tsx test/bench/readsTry.ts measure        (the reads of both tiers on the split stack)
//   tsx test/bench/readsTry.ts down           (stops the stack and removes its data)
import { IsolatedStack } from '../support/isolatedStack.ts';
import { createTextPool } from '../../services/edges/hotStore/pool.ts';
import { measureReads, splitTiers } from './readsStage.ts';
import { prepare, type StageOptions } from './stage.ts';

const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
const stack = new IsolatedStack('reads', 300, (m) => log(`[stack] ${m}`));
const [command, size] = process.argv.slice(2);
const o = { tickets: Number(size ?? 0), coldAfterMs: 86_400_000, log };

if (command === 'split') {
  // prepare reads only the size, COLD_AFTER and the log of a stage's options.
  const { env, stores } = await prepare(stack, o as unknown as StageOptions, 'none');
  await stores.close();
  await splitTiers(env, o);
} else if (command === 'measure') {
  // The stack split by `split` is still up, its connector paused (stackUp would wait for it to run).
  const env = stack.env;
  const pool = createTextPool(env.MIGRATIONS_DATABASE_URL, 'reads-try', 2, () => undefined);
  try {
    const r = await measureReads(env, pool, o);
    log(`${r.hot} hot, ${r.archived} archived`);
  } finally {
    await pool.end();
  }
} else if (command === 'down') {
  await stack.down();
  stack.removeData();
} else {
  console.error('usage: readsTry.ts split <tickets> | measure | down');
  process.exit(2);
}
