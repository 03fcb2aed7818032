#!/usr/bin/env node
// ticket-archiver: one program, a subcommand per job.
import { Command, Option } from 'commander';
import { ConfigError, errorMessage } from '../core/errors.ts';
import { configSchema, loadConfig } from '../core/settings.ts';
import { loadConnectorDefinition, registerConnector, waitForConnectorRunning } from '../edges/kafkaConnect/index.ts';
import { runArchive } from './archive.ts';
import { runAudit } from './audit.ts';
import { runBackfillCommand } from './backfill.ts';
import { durationMs, percent, positiveInt, ticketId } from './options.ts';
import { runReconcile } from './reconcile.ts';
import { runHistory } from './history.ts';
import { runMigrate } from './migrate.ts';
import { runPlan } from './plan.ts';
import { runRestore } from './restore.ts';
import { runServe } from './serve.ts';
import { runStatus } from './status.ts';
import { runStuck, runVerify } from './verify.ts';

const program = new Command()
  .name('ticket-archiver')
  .description(
    'Moves cold tickets from the hot PostgreSQL table to the MongoDB cold store, driven by Debezium change events.',
  )
  .showHelpAfterError();

program
  .command('migrate')
  .description('apply the hot-schema migrations to DATABASE_URL (re-runnable)')
  .option('--check', 'apply nothing: exit 0 when the schema is up to date, 1 when a migration is pending')
  .addOption(
    new Option('--wait <duration>', 'with --check: wait this long for the schema to become up to date')
      .argParser(durationMs)
      .default(0, '0'),
  )
  .action(async (opts: { check?: boolean; wait: number }) => {
    process.exitCode = await runMigrate({ check: opts.check === true, waitMs: opts.wait });
  });

program
  .command('register-connector')
  .description(
    'create or update the Debezium tickets connector at KAFKA_CONNECT_URL (idempotent PUT) and wait until it runs',
  )
  .option('--file <path>', 'connector JSON', undefined)
  .action(async (opts: { file?: string }) => {
    const { KAFKA_CONNECT_URL } = loadConfig(process.env, configSchema.pick({ KAFKA_CONNECT_URL: true }));
    if (!KAFKA_CONNECT_URL) throw new ConfigError(['KAFKA_CONNECT_URL: required: a URL such as http://host:8083']);
    const def = loadConnectorDefinition(opts.file);
    await registerConnector(KAFKA_CONNECT_URL, def);
    const status = await waitForConnectorRunning(KAFKA_CONNECT_URL, def.name, 120_000);
    console.log(
      `connector ${def.name}: ${status.connector.state}, tasks ${status.tasks.map((t) => t.state).join(',')}`,
    );
  });

program
  .command('archive')
  .description('run the archiver: consume the tickets topic and move cold tickets to the cold store (until SIGTERM)')
  .action(async () => {
    process.exitCode = await runArchive();
  });

program
  .command('serve')
  .description(
    'serve the read API on HTTP_PORT: tickets from the hot table by default, from the archive with tier=cold, restore with a bearer token (until SIGTERM)',
  )
  .action(async () => {
    process.exitCode = await runServe();
  });

program
  .command('backfill')
  .description(
    'move the tickets of an existing table that are cold now straight from the hot database (no lock, no scan, no Kafka), and set the timers of those closed but not yet cold; resumable',
  )
  .option('--name <name>', 'the backfill whose saved progress to resume (or start)', 'backfill')
  .option('--restart', 'forget the saved progress of this backfill and plan it again')
  .option('--json', 'print the summary as one JSON object')
  .action(async (opts: { name: string; restart?: boolean; json?: boolean }) => {
    process.exitCode = await runBackfillCommand({
      name: opts.name,
      restart: opts.restart === true,
      json: opts.json === true,
    });
  });

program
  .command('restore')
  .description('put an archived ticket back into the hot table exactly as it was, and remove it from the cold store')
  .argument('<id>', 'ticket id', ticketId)
  .addOption(
    new Option('--hold <duration>', 'keep the restored ticket hot at least this long')
      .argParser(durationMs)
      .default(3_600_000, '1h'),
  )
  .action(async (id: string, opts: { hold: number }) => {
    process.exitCode = await runRestore(id, opts.hold);
  });

program
  .command('reconcile')
  .description(
    'retry stuck deletions, finish interrupted moves, sweep cold tickets the stream missed (repeats every RECONCILE_INTERVAL)',
  )
  .option('--once', 'run one pass and exit: 0 when it completed, 1 when it could not')
  .action(async (opts: { once?: boolean }) => {
    process.exitCode = await runReconcile(opts.once === true);
  });

program
  .command('verify')
  .description('check invariants 1 to 4 over all tickets (or a sample); exits 1 and names the ids when one is violated')
  .option('--sample <n>', 'check a random sample of this many tickets', positiveInt)
  .option('--json', 'print the whole report as one JSON object (for scripts)')
  .action(async (opts: { sample?: number; json?: boolean }) => {
    process.exitCode = await runVerify(opts.sample, opts.json === true);
  });

program
  .command('status')
  .description(
    'health of every part, the archiver group and its lag, the backlog, the rate of moves and the ETA; exit 0 healthy, 1 degraded, 2 a store unreachable',
  )
  .option('--json', 'print the whole report as one JSON object')
  .option('--watch <seconds>', 'refresh every this many seconds until interrupted', positiveInt)
  .option(
    '--estimate',
    "the backlog from the planner's estimate instead of counting it (for tables where counting takes too long)",
  )
  .action(async (opts: { json?: boolean; watch?: number; estimate?: boolean }) => {
    process.exitCode = await runStatus({
      json: opts.json === true,
      ...(opts.watch ? { watchSeconds: opts.watch } : {}),
      estimate: opts.estimate === true,
    });
  });

program
  .command('plan')
  .description(
    "before enabling, read-only: the tickets cold now by month, their sizes, those turning cold per day, the backfill duration, and each query's cost",
  )
  .option(
    '--sample <percent>',
    "estimate the counts from this share of the table's pages (for tables where even an index-only count is too long)",
    percent,
  )
  .option(
    '--rate <tickets/s>',
    'the backfill rate to plan with (default: measured, the last 15 minutes of moves)',
    positiveInt,
  )
  .option('--json', 'print the whole report as one JSON object')
  .action(async (opts: { sample?: number; rate?: number; json?: boolean }) => {
    process.exitCode = await runPlan({
      ...(opts.sample !== undefined ? { samplePercent: opts.sample } : {}),
      ...(opts.rate !== undefined ? { rate: opts.rate } : {}),
      json: opts.json === true,
    });
  });

program
  .command('history')
  .description(
    'moves per hour or day from every archiver, reconciler pass and backfill, kept for months: how many moved, how long the backfill took, when it slowed down and why',
  )
  .addOption(new Option('--since <duration>', 'how far back').argParser(durationMs).default(90 * 86_400_000, '90d'))
  .addOption(new Option('--by <unit>', 'bucket size').choices(['minute', 'hour', 'day']).default('day'))
  .option('--json', 'print the whole report as one JSON object')
  .option('--chart <file>', 'also draw it, as PNG or SVG by the file name')
  .option('--instance <name>', 'only the samples of this instance (INSTANCE_NAME)')
  .action(
    async (opts: {
      since: number;
      by: 'minute' | 'hour' | 'day';
      json?: boolean;
      chart?: string;
      instance?: string;
    }) => {
      process.exitCode = await runHistory({
        sinceMs: opts.since,
        by: opts.by,
        json: opts.json === true,
        ...(opts.chart ? { chart: opts.chart } : {}),
        ...(opts.instance ? { instance: opts.instance } : {}),
      });
    },
  );

program
  .command('audit')
  .description(
    "a ticket's whole archival life: what decided its move, when it was copied and deleted and by whom, its version and content hash, restores and stuck deletions",
  )
  .argument('<id>', 'ticket id', ticketId)
  .option('--json', 'print the whole report as one JSON object')
  .action(async (id: string, opts: { json?: boolean }) => {
    process.exitCode = await runAudit(id, opts.json === true);
  });

program
  .command('stuck')
  .description('list stuck deletions (JSON lines)')
  .option('--escalated', 'only those escalated to an operator')
  .action(async (opts: { escalated?: boolean }) => {
    process.exitCode = await runStuck(opts.escalated === true);
  });

program.parseAsync().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(`ticket-archiver: ${errorMessage(err)}`);
    process.exit(1);
  },
);
