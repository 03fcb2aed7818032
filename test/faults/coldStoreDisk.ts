// The cold store's disk of bounded size for the cold-store-full scenario (coldStoreFull.ts): a tmpfs mounted inside
// the DocumentDB root, filled and freed; unmounted before the fault stack's data is removed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackSettings } from '../../infra/local/settings.ts';

/** Inside the root, as the cold store's PostgreSQL sees it. */
export const IN_ROOT = '/var/lib/postgresql/ticket-archiver/bounded';
export const SIZE_MB = 2048;
export const FULL_FOR_MS = 60_000;

export const mountPoint = (s: StackSettings) => join(s.storesDataDir, 'cold-store-root', IN_ROOT);
export const filler = (s: StackSettings) => join(mountPoint(s), 'filler');

function mounted(dir: string): boolean {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[1] === dir);
}

export function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.stdout}`);
}

/** Unmounts the bounded filesystem if it is mounted (before the stack's data is removed). */
export function unboundColdStoreDisk(s: StackSettings): void {
  if (mounted(mountPoint(s))) sh('umount', ['--lazy', mountPoint(s)]);
}

/** Fills the bounded filesystem to the last byte; returns the bytes it took. */
export function fillColdStoreDisk(s: StackSettings): number {
  // dd stops with "No space left on device", which is the point.
  spawnSync('dd', ['if=/dev/zero', `of=${filler(s)}`, 'bs=1M'], { encoding: 'utf8' });
  if (!existsSync(filler(s))) throw new Error('could not fill the cold store disk');
  const r = spawnSync('df', ['--output=avail', '-B1', mountPoint(s)], { encoding: 'utf8' });
  const avail = Number(r.stdout.trim().split('\n').pop());
  if (avail > 1024 * 1024) throw new Error(`the cold store disk still has ${avail} bytes free`);
  return Number(spawnSync('stat', ['-c', '%s', filler(s)], { encoding: 'utf8' }).stdout.trim());
}
