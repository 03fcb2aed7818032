// What a recorded run (fault suite, benchmark) says about where and at which code it ran.
import { spawnSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import { projectRoot } from '../../infra/local/settings.ts';

/** The commit a run is at, marked when the working tree had uncommitted changes outside `ownOutputs` (the run's
 * own result files change while it runs; they are not code). */
export function codeVersion(ownOutputs: string[]): string {
  const git = (args: string[]) => spawnSync('git', args, { cwd: projectRoot, encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  const changed = git(['status', '--porcelain', '--untracked-files=no', '--', '.', ...ownOutputs.map((p) => `:!${p}`)]);
  return changed ? `${commit} with uncommitted changes` : commit;
}

export function machineDescription(coldStore: string): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown cpu'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}, cold store ${coldStore}`;
}
