#!/usr/bin/env node
// ticket-archiver: one program, a subcommand per job. Each command's module is loaded when the command runs, so a
// short command does not load the read API's server or the chart renderer. Every command's --help lists the
// environment settings it reads (commandSettings.ts), and a mistyped setting is warned about before it runs.
import { Command, Option } from 'commander';
import { errorMessage } from '../core/errors.ts';
import { commandSchema, loadConfig } from '../core/settings.ts';
import { programVersion } from '../shipped/index.ts';
import { COMMAND_SETTINGS, REFUSES_DRY_RUN, type CommandName } from './commandSettings.ts';
import { durationMs, percent, positiveInt, ticketId } from './options.ts';
import { settingsHelp } from './settingsHelp.ts';
import { unknownSettingWarnings } from './unknownSettings.ts';

const program = new Command()
  .name('ticket-archiver')
  .description('Moves cold tickets from the hot PostgreSQL table to the MongoDB cold store, online.')
  .version(programVersion(), '-V, --version', 'print the version and exit')
  .showHelpAfterError();

/** A subcommand with its settings listed in its help. */
function command(name: CommandName, description: string): Command {
  return program
    .command(name)
    .description(description)
    .addHelpText('after', () => settingsHelp(COMMAND_SETTINGS[name]));
}

program.hook('preAction', (_program, action) => {
  const known = new Set(Object.values(COMMAND_SETTINGS).flatMap((schema) => Object.keys(schema.shape)));
  for (const warning of unknownSettingWarnings(process.env, known))
    console.error(`ticket-archiver: warning: ${warning}`);
  const refusal = REFUSES_DRY_RUN[action.name() as CommandName];
  if (refusal && loadConfig(process.env, commandSchema.pick({ DRY_RUN: true })).DRY_RUN) {
    throw new Error(`DRY_RUN=true is not supported by ${action.name()}: ${refusal}`);
  }
});

command(
  'migrate',
  "check the database against the archive spec, then create the product's own objects (re-runnable; nothing on a misfit)",
)
  .option(
    '--check',
    'change nothing: exit 0 when the database is ready for the spec, 1 when something misfits or is missing',
  )
  .addOption(
    new Option('--wait <duration>', 'with --check: wait this long for the database to become ready')
      .argParser(durationMs)
      .default(0, '0'),
  )
  .option('--dry-run', 'print the SQL that would run, apply nothing (as DRY_RUN=true)')
  .action(async (o: { check?: boolean; wait: number; dryRun?: boolean }) => {
    const { runMigrate } = await import('./migrate.ts');
    process.exitCode = await runMigrate({ check: o.check === true, waitMs: o.wait, dryRun: o.dryRun === true });
  });

command('register-connector', 'create or update the Debezium connector (idempotent PUT) and wait until it runs')
  .option('--file <path>', 'connector JSON', undefined)
  .action(async (o: { file?: string }) => {
    const { runRegisterConnector } = await import('./registerConnector.ts');
    process.exitCode = await runRegisterConnector(o.file);
  });

command(
  'archive',
  'run the archiver: consume the tickets topic, move cold tickets to the cold store (until SIGTERM)',
).action(async () => {
  const { runArchive } = await import('./archive.ts');
  process.exitCode = await runArchive();
});

command('serve', 'serve the read API on HTTP_PORT: hot by default, the archive with tier=cold (until SIGTERM)').action(
  async () => {
    const { runServe } = await import('./serve.ts');
    process.exitCode = await runServe();
  },
);

command('backfill', 'move the tickets cold now straight from the hot database, set the timers of those cold later')
  .option('--name <name>', 'the backfill whose saved progress to resume (or start)', 'backfill')
  .option('--restart', 'forget the saved progress of this backfill and plan it again')
  .option('--json', 'print the summary as one JSON object (logs go to stderr)')
  .action(async (o: { name: string; restart?: boolean; json?: boolean }) => {
    const { runBackfillCommand } = await import('./backfill.ts');
    process.exitCode = await runBackfillCommand({ name: o.name, restart: o.restart === true, json: o.json === true });
  });

command('restore', 'put an archived ticket back into the hot table exactly as it was, and remove its archive')
  .argument('<id>', 'ticket id', ticketId)
  .addOption(
    new Option('--hold <duration>', 'keep the restored ticket hot at least this long')
      .argParser(durationMs)
      .default(3_600_000, '1h'),
  )
  .action(async (id: string, o: { hold: number }) => {
    const { runRestore } = await import('./restore.ts');
    process.exitCode = await runRestore(id, o.hold);
  });

command('reconcile', 'retry stuck deletions, finish interrupted moves, sweep cold tickets the stream missed')
  .option('--once', 'run one pass and exit: 0 when it completed, 1 when it could not')
  .action(async (o: { once?: boolean }) => {
    const { runReconcile } = await import('./reconcile.ts');
    process.exitCode = await runReconcile(o.once === true);
  });

command('verify', 'check invariants 1 to 4 over all tickets (or a sample); exit 1 naming the ids of any violation')
  .option('--sample <n>', 'check a random sample of this many tickets', positiveInt)
  .option('--json', 'print the whole report as one JSON object')
  .action(async (o: { sample?: number; json?: boolean }) => {
    const { runVerify } = await import('./verify.ts');
    process.exitCode = await runVerify(o.sample, o.json === true);
  });

command('status', 'health of every part, the group and its lag, the backlog, the rate and ETA (exit 0, 1 or 2)')
  .option('--json', 'print the whole report as one JSON object')
  .option('--watch <seconds>', 'refresh every this many seconds until interrupted', positiveInt)
  .option(
    '--count',
    'count the whole backlog instead of up to 10,000 candidates: reads every cold ticket (slow on a big table)',
  )
  .action(async (o: { json?: boolean; watch?: number; count?: boolean }) => {
    const { runStatus } = await import('./status.ts');
    process.exitCode = await runStatus({
      json: o.json === true,
      ...(o.watch ? { watchSeconds: o.watch } : {}),
      count: o.count === true,
    });
  });

command('plan', 'before enabling, read-only: cold tickets by month, sizes, turning cold per day, backfill duration')
  .option('--sample <percent>', "estimate the counts from this share of the table's pages", percent)
  .option('--rate <tickets/s>', 'the backfill rate to plan with (default: the last 15 minutes of moves)', positiveInt)
  .option('--json', 'print the whole report as one JSON object')
  .action(async (o: { sample?: number; rate?: number; json?: boolean }) => {
    const { runPlan } = await import('./plan.ts');
    process.exitCode = await runPlan({
      ...(o.sample !== undefined ? { samplePercent: o.sample } : {}),
      ...(o.rate !== undefined ? { rate: o.rate } : {}),
      json: o.json === true,
    });
  });

command('history', 'moves per hour or day from every mover, kept for months; --chart draws it')
  .addOption(new Option('--since <duration>', 'how far back').argParser(durationMs).default(90 * 86_400_000, '90d'))
  .addOption(new Option('--by <unit>', 'bucket size').choices(['minute', 'hour', 'day']).default('day'))
  .option('--json', 'print the whole report as one JSON object')
  .option('--chart <file>', 'also draw it, as PNG or SVG by the file name')
  .option('--instance <name>', 'only the samples of this instance (INSTANCE_NAME)')
  .action(
    async (o: { since: number; by: 'minute' | 'hour' | 'day'; json?: boolean; chart?: string; instance?: string }) => {
      const { runHistory } = await import('./history.ts');
      process.exitCode = await runHistory({
        sinceMs: o.since,
        by: o.by,
        json: o.json === true,
        ...(o.chart ? { chart: o.chart } : {}),
        ...(o.instance ? { instance: o.instance } : {}),
      });
    },
  );

command('audit', "a ticket's archival life: what decided its move, copy and delete, restores, stuck deletions")
  .argument('<id>', 'ticket id', ticketId)
  .option('--json', 'print the whole report as one JSON object')
  .action(async (id: string, o: { json?: boolean }) => {
    const { runAudit } = await import('./audit.ts');
    process.exitCode = await runAudit(id, o.json === true);
  });

command('stuck', 'list stuck deletions (JSON lines)')
  .option('--escalated', 'only those escalated to an operator')
  .action(async (o: { escalated?: boolean }) => {
    const { runStuck } = await import('./stuck.ts');
    process.exitCode = await runStuck(o.escalated === true);
  });

program.parseAsync().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(`ticket-archiver: ${errorMessage(err)}`);
    process.exit(1);
  },
);
