// The program as users install it: this clone packed with `npm pack` (whose prepack builds it) and installed from the
// tarball into an empty directory. Its `ticket-archiver` is what `npx ticket-archiver` runs: the compiled JavaScript
// with the package's production dependencies, never tsx.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../infra/local/settings.ts';

export interface InstalledProgram {
  /** The installed `ticket-archiver` (node_modules/.bin), run by its shebang as npx runs it. */
  bin: string;
  /** The same file run by this Node.js (so that Node options can go before it), for runCli's `program`. */
  argv: string[];
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
  const install = ['install', join(packs, tarball), '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'];
  npm([...install, '--loglevel=error'], app);
  const bin = join(app, 'node_modules', '.bin', 'ticket-archiver');
  return {
    bin,
    argv: [process.execPath, realpathSync(bin)],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
