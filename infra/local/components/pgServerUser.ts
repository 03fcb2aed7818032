// PostgreSQL's binaries from this machine's Debian packages, run as the unprivileged OS user the server and pg_ctl
// insist on when we are root.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentError, commandExists, run } from '../processes.ts';
import type { StackSettings } from '../settings.ts';
import type { Versions } from '../versions.ts';

function binDir(v: Versions): string {
  return `/usr/lib/postgresql/${v.postgres.major}/bin`;
}

export function ensurePostgresBinaries(v: Versions, log: (m: string) => void): void {
  if (existsSync(join(binDir(v), 'pg_ctl'))) return;
  if (process.getuid?.() !== 0) {
    throw new ComponentError(
      'postgres',
      `${binDir(v)}/pg_ctl not found; install the Debian package ${v.postgres.debianPackage}`,
    );
  }
  log(`postgres: installing the Debian package ${v.postgres.debianPackage}`);
  run('postgres', 'apt-get', ['update', '-q']);
  run('postgres', 'apt-get', ['install', '-y', '-q', '--no-install-recommends', v.postgres.debianPackage], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** argv that runs a PostgreSQL binary as the unprivileged OS user when we are root (the server and pg_ctl refuse root). */
export function serverUserArgv(s: StackSettings, v: Versions, tool: string, args: string[]): [string, string[]] {
  const bin = join(binDir(v), tool);
  if (process.getuid?.() === 0) return ['runuser', ['-u', s.STACK_PG_OS_USER, '--', bin, ...args]];
  return [bin, args];
}

export function asServerUser(name: string, s: StackSettings, v: Versions, tool: string, args: string[]): string {
  const [cmd, argv] = serverUserArgv(s, v, tool, args);
  return run(name, cmd, argv, { cwd: '/' });
}

export function ensureOsUser(s: StackSettings): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => spawnSync('id', ['-u', s.STACK_PG_OS_USER], { encoding: 'utf8' });
  if (lookup().status !== 0) {
    if (!commandExists('useradd'))
      throw new ComponentError('postgres', `OS user ${s.STACK_PG_OS_USER} is missing and useradd is unavailable`);
    run('postgres', 'useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', s.STACK_PG_OS_USER]);
  }
  const uid = Number(lookup().stdout.trim());
  const gid = Number(spawnSync('id', ['-g', s.STACK_PG_OS_USER], { encoding: 'utf8' }).stdout.trim());
  return { uid, gid };
}
