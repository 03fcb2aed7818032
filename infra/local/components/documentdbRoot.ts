// PostgreSQL 18 with Microsoft's DocumentDB extension, the backend of FerretDB 2.x. Debian carries both only in its
// testing suite, whose libc is newer than this Debian's, so they live in a minimal Debian testing root (debootstrap
// --variant=minbase) and run under chroot. The prepared root is built once into the download cache as a compressed
// tarball (about 2 minutes, ~180 MB) with the versions it installed; each stack extracts its own copy (a few seconds),
// so its data stays in the stack's directory. Testing moves: the majors are checked, the exact versions recorded.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentError, commandExists, run } from '../processes.ts';
import type { StackSettings } from '../settings.ts';
import type { Versions } from '../versions.ts';

const NAME = 'cold-store-postgres';

export interface DocumentDbRoot {
  /** The root directory on the host. */
  dir: string;
  /** Installed package versions, as dpkg reported them when the root was built. */
  installed: Record<string, string>;
  /** uid and gid of the `postgres` user inside the root. */
  uid: number;
  gid: number;
}

function cacheKey(v: Versions): string {
  return createHash('sha256')
    .update(JSON.stringify([v.documentdb.debianSuite, v.documentdb.packages, v.documentdb.postgresMajor]))
    .digest('hex')
    .slice(0, 12);
}

function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) {
    throw new ComponentError(
      NAME,
      `${what} needs root (debootstrap and chroot); run the stack as root, put mongod on the PATH, or point MONGODB_URL at a cold store of your own`,
    );
  }
}

/** Runs apt inside the root with /proc mounted (postgresql-common's maintainer scripts need it), unmounting always. */
function withProc<T>(root: string, work: () => T): T {
  run(NAME, 'mount', ['-t', 'proc', 'proc', join(root, 'proc')]);
  try {
    return work();
  } finally {
    spawnSync('umount', [join(root, 'proc')]);
  }
}

/** Builds the root into `target` and returns the installed versions of the packages that matter. */
function buildRoot(target: string, v: Versions, log: (m: string) => void): Record<string, string> {
  const d = v.documentdb;
  if (!commandExists('debootstrap')) {
    log(`${NAME}: installing debootstrap (apt-get)`);
    run(NAME, 'apt-get', ['update', '-q']);
    run(NAME, 'apt-get', ['install', '-y', '-q', '--no-install-recommends', 'debootstrap'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  log(
    `${NAME}: building a Debian ${d.debianSuite} root with PostgreSQL ${d.postgresMajor} and DocumentDB (about 2 minutes, once)`,
  );
  run(NAME, 'debootstrap', ['--variant=minbase', d.debianSuite, target, d.mirror]);
  // The suite's Release files may be past Valid-Until on a mirror snapshot; no recommends; no service starts; no
  // default cluster (the stack creates its own).
  writeFileSync(
    join(target, 'etc/apt/apt.conf.d/99ticket-archiver'),
    'Acquire::Check-Valid-Until "false";\nAPT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n',
  );
  writeFileSync(join(target, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  mkdirSync(join(target, 'etc/postgresql-common/createcluster.d'), { recursive: true });
  writeFileSync(join(target, 'etc/postgresql-common/createcluster.d/00-no-main.conf'), 'create_main_cluster = false\n');
  withProc(target, () => {
    run(NAME, 'chroot', [target, 'apt-get', 'update', '-q']);
    run(NAME, 'chroot', [
      target,
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'apt-get',
      'install',
      '-y',
      '-q',
      ...d.packages,
    ]);
    run(NAME, 'chroot', [target, 'apt-get', 'clean']);
  });
  const listed = run(NAME, 'chroot', [target, 'dpkg-query', '-W', '-f', '${Package}\\t${Version}\\n']);
  const all = Object.fromEntries(
    listed
      .trim()
      .split('\n')
      .map((l) => l.split('\t') as [string, string]),
  );
  const installed = Object.fromEntries(
    Object.entries(all).filter(([p]) => /^(postgresql-\d+|postgresql-\d+-(documentdb|cron)|libc6)$/.test(p)),
  );
  const major = (pkg: string) => (installed[pkg] ?? '').split(/[.-]/)[0];
  if (
    major(`postgresql-${d.postgresMajor}`) !== String(d.postgresMajor) ||
    major(`postgresql-${d.postgresMajor}-documentdb`) !== String(d.documentdbMajor)
  ) {
    throw new ComponentError(
      NAME,
      `Debian ${d.debianSuite} now carries ${JSON.stringify(installed)}; expected PostgreSQL ${d.postgresMajor} and DocumentDB ${d.documentdbMajor}.x (infra/local/versions.json)`,
    );
  }
  return installed;
}

/** The prepared root as a cached tarball (built on first use), and the versions it holds. */
function ensureRootTarball(
  s: StackSettings,
  v: Versions,
  log: (m: string) => void,
): { tarball: string; installed: Record<string, string> } {
  const base = join(s.cache, `documentdb-${v.documentdb.debianSuite}-pg${v.documentdb.postgresMajor}-${cacheKey(v)}`);
  const tarball = `${base}.tar.zst`;
  const versionsFile = `${base}.versions.json`;
  if (existsSync(tarball) && existsSync(versionsFile))
    return { tarball, installed: JSON.parse(readFileSync(versionsFile, 'utf8')) as Record<string, string> };
  requireRoot('building PostgreSQL with DocumentDB');
  const work = `${base}.building`;
  spawnSync('umount', [join(work, 'proc')]);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(s.cache, { recursive: true });
  const installed = buildRoot(work, v, log);
  log(
    `${NAME}: installed ${Object.entries(installed)
      .map(([p, ver]) => `${p} ${ver}`)
      .join(', ')}`,
  );
  run(NAME, 'tar', [
    '--numeric-owner',
    '--exclude=./var/lib/apt/lists/*',
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
  writeFileSync(versionsFile, JSON.stringify(installed, null, 2));
  rmSync(work, { recursive: true, force: true });
  return { tarball, installed };
}

/** The stack's own copy of the root, extracted from the cached tarball when missing. */
export function ensureDocumentDbRoot(s: StackSettings, v: Versions, log: (m: string) => void): DocumentDbRoot {
  const { tarball, installed } = ensureRootTarball(s, v, log);
  const dir = join(s.storesDataDir, 'cold-store-root');
  const marker = join(dir, '.ticket-archiver-root');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== tarball) {
    requireRoot('a PostgreSQL with DocumentDB under chroot');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    log(`${NAME}: extracting PostgreSQL ${v.documentdb.postgresMajor} with DocumentDB into ${dir}`);
    run(NAME, 'tar', ['--numeric-owner', '-C', dir, '--zstd', '-xf', tarball]);
    writeFileSync(marker, tarball);
  }
  const passwd = readFileSync(join(dir, 'etc/passwd'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = passwd?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new ComponentError(NAME, `no postgres user in ${dir}/etc/passwd`);
  return { dir, installed, uid: Number(uid), gid: Number(gid) };
}

/** argv running `tool` of PostgreSQL inside the root as its postgres user. */
export function inRoot(root: DocumentDbRoot, v: Versions, tool: string, args: string[]): [string, string[]] {
  const bin = `/usr/lib/postgresql/${v.documentdb.postgresMajor}/bin/${tool}`;
  return [
    'chroot',
    [
      `--userspec=${root.uid}:${root.gid}`,
      root.dir,
      '/usr/bin/env',
      '-i',
      'HOME=/var/lib/postgresql',
      'LC_ALL=C.UTF-8',
      'PATH=/usr/bin:/bin',
      bin,
      ...args,
    ],
  ];
}
