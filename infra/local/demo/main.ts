// `npm run demo`: the README's first command. Starts the local stack, inserts sample tickets, archives the cold ones
// with the product's archiver (progress bar), verifies every ticket and prints a summary.
import { Command } from 'commander';
import { positiveInt } from '../../../services/cli/options.ts';
import { runDemo } from './demo.ts';

const program = new Command()
  .name('npm run demo --')
  .description(
    'start the local stack, insert sample tickets, archive the cold ones with progress, verify and summarise',
  )
  .option('--tickets <n>', 'how many tickets to insert', positiveInt, 2000)
  .option('--cold-after <duration>', 'the cold rule age used to shape the sample (e.g. 30d)', '30d')
  .option('--seed <n>', 'random seed of the sample data', positiveInt, 42)
  // The default grows with --tickets: 300 s, or the time to move them at 200 a second (a tenth of what the benchmark
  // measured on 2 cores) if that is longer.
  .option(
    '--timeout <seconds>',
    'how long to wait for the archiver (default: 300, or tickets / 200 if more)',
    positiveInt,
  )
  .showHelpAfterError();

async function main(): Promise<number> {
  await program.parseAsync();
  const opts = program.opts<{ tickets: number; coldAfter: string; seed: number; timeout?: number }>();
  const timeoutSeconds = opts.timeout ?? Math.max(300, Math.ceil(opts.tickets / 200));
  return runDemo({ tickets: opts.tickets, coldAfter: opts.coldAfter, seed: opts.seed, timeoutSeconds });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
