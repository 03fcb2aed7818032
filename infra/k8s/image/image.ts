// The Dockerfile's image built without Docker: the program compiled as the Dockerfile's build stage does it
// (tsconfig.image.json, production dependencies only), laid out as its runtime stage lays it out (/app, the
// migrations and the connector below the package's root, `ticket-archiver` on the PATH, user 10001), on the cached
// Debian root of rootfs.ts, assembled into an OCI image layout with umoci. An unpacked image runs its
// entrypoint under chroot as the image's user, with the image's environment and nothing of the caller's (unpackImage).
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../local/settings.ts';
import type { StackSettings } from '../../local/settings.ts';
import type { Versions } from '../../local/versions.ts';
import { run } from '../../local/processes.ts';
import { NAME, ensureBaseRoot, ensureDebianTool, requireRoot } from './rootfs.ts';

const USER = { uid: 10001, gid: 10001, name: 'archiver' };

export interface BuiltImage {
  /** `oci:<layout>:<tag>` as skopeo names it (`skopeo copy oci:... docker://registry/...` pushes it). */
  ref: string;
  layout: string;
  tag: string;
  nodejs: string;
}

/** The compiled program with its production dependencies, as the Dockerfile's /app. */
function stageApp(app: string, log: (m: string) => void): void {
  log(`${NAME}: compiling (tsconfig.image.json) and installing production dependencies into ${app}`);
  mkdirSync(app, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) cpSync(join(projectRoot, f), join(app, f));
  run(NAME, 'npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: app });
  run(NAME, 'npx', ['tsc', '-p', 'tsconfig.image.json', '--outDir', join(app, 'dist')], { cwd: projectRoot });
  // Below the package's root, as in the repository: services/shipped finds them from package.json.
  cpSync(join(projectRoot, 'infra/postgres/migrations'), join(app, 'infra/postgres/migrations'), { recursive: true });
  mkdirSync(join(app, 'connectors'));
  cpSync(join(projectRoot, 'connectors/tickets-postgres.json'), join(app, 'connectors/tickets-postgres.json'));
  cpSync(join(projectRoot, 'connectors/specs'), join(app, 'connectors/specs'), { recursive: true });
  rmSync(join(app, 'package-lock.json'));
  chmodSync(join(app, 'dist/services/cli/main.js'), 0o755);
}

export function buildImage(
  s: StackSettings,
  v: Versions,
  o: { tag: string; out: string },
  log: (m: string) => void,
): BuiltImage {
  requireRoot();
  ensureDebianTool('umoci', 'umoci', log);
  const { tarball, nodejs } = ensureBaseRoot(s, v, log);
  const work = join(o.out, 'work');
  const layout = join(o.out, 'oci');
  const image = `${layout}:${o.tag}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });

  rmSync(layout, { recursive: true, force: true });
  run(NAME, 'umoci', ['init', '--layout', layout]);
  run(NAME, 'umoci', ['new', '--image', image]);
  const bundle = join(work, 'bundle');
  run(NAME, 'umoci', ['unpack', '--image', image, bundle]);
  const rootfs = join(bundle, 'rootfs');
  run(NAME, 'tar', ['--numeric-owner', '-C', rootfs, '--zstd', '-xf', tarball]);
  stageApp(join(rootfs, 'app'), log);
  symlinkSync('/app/dist/services/cli/main.js', join(rootfs, 'usr/local/bin/ticket-archiver'));
  appendFileSync(join(rootfs, 'etc/group'), `${USER.name}:x:${USER.gid}:\n`);
  appendFileSync(
    join(rootfs, 'etc/passwd'),
    `${USER.name}:x:${USER.uid}:${USER.gid}::/nonexistent:/usr/sbin/nologin\n`,
  );
  log(`${NAME}: assembling ${image}`);
  run(NAME, 'umoci', ['repack', '--image', image, bundle]);
  run(NAME, 'umoci', [
    'config',
    '--image',
    image,
    '--config.user',
    `${USER.uid}:${USER.gid}`,
    '--config.workingdir',
    '/app',
    '--config.env',
    'NODE_ENV=production',
    '--config.env',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    '--config.entrypoint',
    'ticket-archiver',
    '--config.cmd',
    '--help',
    '--config.exposedports',
    '9464/tcp',
    '--config.label',
    `org.opencontainers.image.title=ticket-archiver`,
    '--config.label',
    `org.opencontainers.image.base.name=debian:${v.image.debianSuite} nodejs ${nodejs}`,
  ]);
  rmSync(work, { recursive: true, force: true });
  return { ref: `oci:${image}`, layout, tag: o.tag, nodejs };
}

interface RuntimeSpec {
  process: { user: { uid: number; gid: number }; args: string[]; env?: string[]; cwd: string };
}

export interface RunOptions {
  /** In place of the image's cmd. */
  args?: string[];
  /** In place of the image's entrypoint (docker run --entrypoint). */
  entrypoint?: string[];
  /** Added to the image's environment (what a pod spec would add). */
  env?: Record<string, string>;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  spec: RuntimeSpec['process'];
}

export interface UnpackedImage {
  /** Runs the image as an engine would, as far as chroot can: its user, entrypoint + cmd, environment (and nothing of
   * the caller's) and working directory, over its root. */
  run(o?: RunOptions): RunResult;
  close(): void;
}

/** Unpacks the image once (umoci writes the OCI runtime configuration an engine would run: the image's user,
 * entrypoint + cmd, environment, working directory) for any number of runs. */
export function unpackImage(image: BuiltImage, workDir: string): UnpackedImage {
  const bundle = join(workDir, 'run-bundle');
  rmSync(bundle, { recursive: true, force: true });
  run(NAME, 'umoci', ['unpack', '--image', `${image.layout}:${image.tag}`, bundle]);
  const spec = (JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as RuntimeSpec).process;
  const entrypointLength = spec.args.length - 1; // one `cmd` word in this image
  return {
    run(o = {}) {
      const entrypoint = o.entrypoint ?? spec.args.slice(0, entrypointLength);
      const argv = [...entrypoint, ...(o.args ?? (o.entrypoint ? [] : spec.args.slice(entrypointLength)))];
      const env = [...(spec.env ?? []), ...Object.entries(o.env ?? {}).map(([k, val]) => `${k}=${val}`)];
      const r = spawnSync(
        'chroot',
        [
          `--userspec=${spec.user.uid}:${spec.user.gid}`,
          join(bundle, 'rootfs'),
          '/usr/bin/env',
          '-i',
          ...env,
          'sh',
          '-c',
          'cd "$0" && exec "$@"',
          spec.cwd,
          ...argv,
        ],
        { encoding: 'utf8' },
      );
      return { status: r.status, stdout: r.stdout, stderr: r.stderr, spec };
    },
    close: () => rmSync(bundle, { recursive: true, force: true }),
  };
}
