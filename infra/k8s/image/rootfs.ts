// The image's base without Docker: a minimal Debian stable root (debootstrap --variant=minbase) with Debian's Node.js
// of the Dockerfile's major, built once into the download cache as a tarball with the versions it installed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentError, commandExists, run } from '../../local/processes.ts';
import type { StackSettings } from '../../local/settings.ts';
import type { Versions } from '../../local/versions.ts';

export const NAME = 'image';

export function requireRoot(): void {
  if (process.getuid?.() !== 0)
    throw new ComponentError(NAME, 'building the image without Docker needs root (debootstrap, chroot, umoci unpack)');
}

/** Installs a Debian package of this machine when its command is missing. */
export function ensureDebianTool(command: string, pkg: string, log: (m: string) => void): void {
  if (commandExists(command)) return;
  log(`${NAME}: installing ${pkg} (apt-get)`);
  run(NAME, 'apt-get', ['update', '-q']);
  run(NAME, 'apt-get', ['install', '-y', '-q', '--no-install-recommends', pkg], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** The cached base root's tarball (built on first use) and the Node.js version it holds. */
export function ensureBaseRoot(
  s: StackSettings,
  v: Versions,
  log: (m: string) => void,
): { tarball: string; nodejs: string } {
  const i = v.image;
  const key = createHash('sha256')
    .update(JSON.stringify([i.debianSuite, i.nodejsMajor]))
    .digest('hex')
    .slice(0, 12);
  const base = join(s.cache, `image-base-${i.debianSuite}-node${i.nodejsMajor}-${key}`);
  const tarball = `${base}.tar.zst`;
  const versionsFile = `${base}.versions.json`;
  if (existsSync(tarball) && existsSync(versionsFile))
    return { tarball, nodejs: (JSON.parse(readFileSync(versionsFile, 'utf8')) as { nodejs: string }).nodejs };
  requireRoot();
  ensureDebianTool('debootstrap', 'debootstrap', log);
  const work = `${base}.building`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(s.cache, { recursive: true });
  log(`${NAME}: building a Debian ${i.debianSuite} root with Node.js ${i.nodejsMajor} (about 2 minutes, once)`);
  run(NAME, 'debootstrap', ['--variant=minbase', '--include=nodejs', i.debianSuite, work, i.mirror]);
  run(NAME, 'chroot', [work, 'apt-get', 'clean']);
  const nodejs = run(NAME, 'chroot', [work, 'dpkg-query', '-W', '-f', '${Version}', 'nodejs']).trim();
  if (nodejs.split('.')[0] !== String(i.nodejsMajor)) {
    throw new ComponentError(
      NAME,
      `Debian ${i.debianSuite} now carries nodejs ${nodejs}; the Dockerfile runs Node.js ${i.nodejsMajor} (infra/local/versions.json)`,
    );
  }
  log(`${NAME}: installed nodejs ${nodejs}`);
  run(NAME, 'tar', [
    '--numeric-owner',
    '--exclude=./var/lib/apt/lists/*',
    '--exclude=./var/cache/apt/*',
    '--exclude=./usr/share/doc/*',
    '--exclude=./usr/share/man/*',
    '-C',
    work,
    '--zstd',
    '-cf',
    `${tarball}.part`,
    '.',
  ]);
  renameSync(`${tarball}.part`, tarball);
  writeFileSync(versionsFile, JSON.stringify({ nodejs }, null, 2));
  rmSync(work, { recursive: true, force: true });
  return { tarball, nodejs };
}
