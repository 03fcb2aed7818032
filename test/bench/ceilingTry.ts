// A developer's run of the ceilings part alone, on a stack of its own (.stack-ceil, ports +500):
//   tsx test/bench/ceilingTry.ts run 200000   (wipes the stack, generates, measures, prints the result)
//   tsx test/bench/ceilingTry.ts down         (stops the stack and removes its data)
import { IsolatedStack } from '../support/isolatedStack.ts';
import { ceilingStage } from './ceilingStage.ts';
import type { StageOptions } from './stage.ts';

const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
const stack = new IsolatedStack('ceil', 500, (m) => log(`[stack] ${m}`));
const [command, size, repeats] = process.argv.slice(2);

if (command === 'run') {
  const o = { tickets: Number(size ?? 200_000), coldAfterMs: 86_400_000, repeats: Number(repeats ?? 3), log };
  console.log(JSON.stringify(await ceilingStage(stack, o as unknown as StageOptions), null, 1));
} else if (command === 'down') {
  await stack.down();
  stack.removeData();
} else {
  console.error('usage: ceilingTry.ts run [tickets] [repeats] | down');
  process.exit(2);
}
