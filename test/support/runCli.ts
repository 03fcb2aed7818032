// Runs one `ticket-archiver` command to completion as a child process, as an operator would.
import { spawn } from 'node:child_process';
import { projectRoot } from '../../infra/local/settings.ts';

/** The program the tests run by default: the TypeScript under tsx. An installed program's argv can stand in for it
 * (test/support/installedProgram.ts); Node options go right after the first element. */
export const SOURCE_PROGRAM = [process.execPath, '--import', 'tsx', 'services/cli/main.ts'];

/** Runs the CLI once to completion (for commands like restore), returning exit code and output. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
  program: string[] = SOURCE_PROGRAM,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [command = '', ...leading] = program;
    const p = spawn(command, [...leading, ...args], { cwd: projectRoot, env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`ticket-archiver ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
