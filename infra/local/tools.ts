// Tools the test suite runs for real, fetched like the stack's components and cached outside the clone. From
// Debian's packages, unpacked, not installed (nothing is started by installing): promtool, to check and unit-test the
// alert rules (infra/monitoring), and etcd for the manifests' API server (infra/k8s/checks).
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentError, commandExists, run } from './processes.ts';
import type { StackSettings } from './settings.ts';
import type { Versions } from './versions.ts';

/** Unpacks one exact version of a Debian package into the cache; returns the root its files are under. */
export function debianPackageRoot(
  s: StackSettings,
  component: string,
  pkg: string,
  version: string,
  expect: string,
  log: (m: string) => void,
): string {
  const dir = join(s.cache, `${pkg}-${version}`);
  const root = join(dir, 'root');
  if (existsSync(join(root, expect))) return root;
  if (!commandExists('apt-get') || !commandExists('dpkg-deb'))
    throw new ComponentError(component, `apt-get and dpkg-deb are needed to fetch Debian's ${pkg}`);
  log(`${component}: fetching Debian's ${pkg} ${version}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const download = () => run(component, 'apt-get', ['download', `${pkg}=${version}`], { cwd: dir });
  try {
    download();
  } catch {
    // The package lists may be missing or old on a new machine.
    run(component, 'apt-get', ['update', '-q']);
    download();
  }
  const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
  if (!deb) throw new ComponentError(component, `apt-get download left no .deb in ${dir}`);
  run(component, 'dpkg-deb', ['-x', join(dir, deb), root]);
  rmSync(join(dir, deb));
  if (!existsSync(join(root, expect))) throw new ComponentError(component, `${deb} holds no ${expect}`);
  return root;
}

export function ensurePromtool(s: StackSettings, v: Versions, log: (m: string) => void): string {
  const root = debianPackageRoot(
    s,
    'promtool',
    v.prometheus.debianPackage,
    v.prometheus.debianVersion,
    'usr/bin/promtool',
    log,
  );
  return join(root, 'usr/bin/promtool');
}
