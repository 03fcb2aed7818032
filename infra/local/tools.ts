// Tools the test suite runs for real, fetched like the stack's components and cached outside the clone: promtool, to
// check and unit-test the alert rules (infra/monitoring). From Debian's prometheus package, unpacked, not installed:
// nothing of Prometheus runs, and no service is started.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentError, commandExists, run } from './processes.ts';
import type { StackSettings } from './settings.ts';
import type { Versions } from './versions.ts';

export function ensurePromtool(s: StackSettings, v: Versions, log: (m: string) => void): string {
  const dir = join(s.cache, `prometheus-${v.prometheus.debianVersion}`);
  const promtool = join(dir, 'root/usr/bin/promtool');
  if (existsSync(promtool)) return promtool;
  if (!commandExists('apt-get') || !commandExists('dpkg-deb')) throw new ComponentError('promtool', 'apt-get and dpkg-deb are needed to fetch promtool (Debian package prometheus)');
  log(`promtool: fetching Debian's ${v.prometheus.debianPackage} ${v.prometheus.debianVersion}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const download = () => run('promtool', 'apt-get', ['download', `${v.prometheus.debianPackage}=${v.prometheus.debianVersion}`], { cwd: dir });
  try {
    download();
  } catch {
    // The package lists may be missing or old on a new machine.
    run('promtool', 'apt-get', ['update', '-q']);
    download();
  }
  const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
  if (!deb) throw new ComponentError('promtool', `apt-get download left no .deb in ${dir}`);
  run('promtool', 'dpkg-deb', ['-x', join(dir, deb), join(dir, 'root')]);
  rmSync(join(dir, deb));
  if (!existsSync(promtool)) throw new ComponentError('promtool', `${deb} holds no usr/bin/promtool`);
  return promtool;
}
