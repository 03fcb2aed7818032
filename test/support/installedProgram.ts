// The program as users install it: this clone packed with `npm pack` (whose prepack builds it) and installed from the
// tarball into an empty directory, once per test process. Its `ticket-archiver` is what `npx ticket-archiver` runs:
// the compiled JavaScript with the package's production dependencies, never tsx.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../infra/local/settings.ts';

export interface InstalledProgram {
  /** The installed `ticket-archiver` (node_modules/.bin): run by its shebang, as npx runs it. */
  bin: string;
  /** The same file run by this Node.js, so that Node options can go before it. */
  argv: string[];
  dir: string;
  remove(): void;
}

function npm(args: string[], cwd: string): void {
  const res = spawnSync('npm', args, { cwd, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
}

export function installProgram(): InstalledProgram {
  const dir = mkdtempSync(join(tmpdir(), 'ticket-archiver-installed-'));
  const packs = join(dir, 'pack');
  const app = join(dir, 'app');
  mkdirSync(packs);
  mkdirSync(app);
  npm(['pack', '--pack-destination', packs, '--loglevel=error'], projectRoot);
  const tarball = readdirSync(packs).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${packs}`);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'installs-ticket-archiver', private: true }));
  npm(
    ['install', join(packs, tarball), '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    app,
  );
  return {
    bin: join(app, 'node_modules', '.bin', 'ticket-archiver'),
    dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ProgramRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `argv` (a program and its leading arguments) with `args` to completion. */
export function runProgram(
  argv: string[],
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    const [command = '', ...leading] = argv;
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
