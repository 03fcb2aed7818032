// A developer's entry point to the benchmark's peer alone, on a stack of its own (.stack-peer, ports +400):
//   npx tsx test/bench/peerTry.ts --tickets 50000 [--keep]
// Prints the peer's result and its RESULTS.md section; stops the stack unless --keep.
import { rmSync } from 'node:fs';
import { Command } from 'commander';
import { IsolatedStack } from '../support/isolatedStack.ts';
import { peerMarkdown } from './markdownPeer.ts';
import { peerStage } from './peerStage.ts';

const opts = new Command()
  .option('--tickets <n>', 'tickets generated (about 70% cold)', (v) => Number.parseInt(v, 10), 50_000)
  .option('--keep', 'leave the stack running afterwards')
  .parse()
  .opts<{ tickets: number; keep?: boolean }>();

const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
const stack = new IsolatedStack('peer', 400, (m) => log(`[stack] ${m}`));
try {
  const result = await peerStage(stack, {
    tickets: opts.tickets,
    coldAfterMs: 86_400_000,
    log: (m) => log(`[peer] ${m}`),
  });
  const { progress, ...rest } = result;
  console.log(JSON.stringify({ ...rest, progressSamples: progress.length }, null, 2));
  console.log(peerMarkdown(result).join('\n'));
} finally {
  if (!opts.keep) {
    await stack.down();
    rmSync(stack.settings.dir, { recursive: true, force: true });
  }
}
