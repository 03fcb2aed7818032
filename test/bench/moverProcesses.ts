// The movers of a benchmark stage as production runs them: the compiled, installed program (StageOptions.program)
// with its heap bound, one process per archiver and one for `ticket-archiver backfill`; and the CPU profile one of
// them wrote.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StackEnv } from '../../infra/local/stack.ts';
import { startArchiverProcess, type ArchiverProcess } from '../support/archiverProcess.ts';
import { readProfile, type ProfileSummary } from './cpuProfile.ts';
import type { StageOptions } from './stage.ts';

// A mover paused for a quiet window (SIGSTOP) must not be taken for dead by the group meanwhile (default 10 s).
const SESSION_TIMEOUT = '60s';

/** One mover process of the stage's group: the archiver, or `ticket-archiver backfill`. */
function startMover(
  env: StackEnv,
  o: StageOptions,
  mover: { name: string; command: string[]; settings: Record<string, string> },
  groupId: string,
  profile: boolean,
  extra: Record<string, string>,
): ArchiverProcess {
  return startArchiverProcess(
    env,
    {
      ARCHIVER_GROUP_ID: groupId,
      INSTANCE_NAME: mover.name,
      COLD_AFTER: `${o.coldAfterMs}ms`,
      LOG_LEVEL: 'info',
      ...mover.settings,
      ...extra,
    },
    [...o.moverNodeOptions, ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [])],
    mover.command,
    o.program,
  );
}

export function startArchiver(
  env: StackEnv,
  o: StageOptions,
  groupId: string,
  i: number,
  profile: boolean,
  extra: Record<string, string>,
): ArchiverProcess {
  const settings = { ARCHIVER_SESSION_TIMEOUT: SESSION_TIMEOUT };
  return startMover(
    env,
    o,
    { name: `bench-archiver-${i + 1}`, command: ['archive'], settings },
    groupId,
    profile,
    extra,
  );
}

/** Process `index` of backfill `name` (several: the Indexed Job's pods, whose index is in `extra`). */
export function startBackfillProcess(
  env: StackEnv,
  o: StageOptions,
  groupId: string,
  profile: boolean,
  extra: Record<string, string>,
  name: string,
  index = 0,
): ArchiverProcess {
  const command = ['backfill', '--name', name];
  // BACKFILL_WORKERS as this environment sets it, else the product's default (the movers inherit the environment).
  return startMover(env, o, { name: `bench-backfill-${index}`, command, settings: {} }, groupId, profile, extra);
}

/** The main thread's profile (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, thread 0); tsx's loader thread
 * writes one too when the source runs. */
export function readMainThreadProfile(dir: string): ProfileSummary | undefined {
  const main = readdirSync(dir)
    .filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f))
    .sort();
  const newest = main[main.length - 1];
  return newest ? readProfile(join(dir, newest)) : undefined;
}
