// Schemathesis, the API fuzzer the read API's suite runs against its OpenAPI document, from PyPI at the version pinned
// in infra/local/versions.json, in its own virtual environment in the download cache (outside the clone): installed on
// first use, marked complete with the pinned version, and reused until the pin changes.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentError, commandExists, run } from '../local/processes.ts';
import type { StackSettings } from '../local/settings.ts';
import type { Versions } from '../local/versions.ts';

/** The path of the `st` command of the pinned Schemathesis. */
export function ensureSchemathesis(s: StackSettings, v: Versions, log: (m: string) => void): string {
  const { version } = v.schemathesis;
  const dir = join(s.cache, `schemathesis-${version}`);
  const st = join(dir, 'bin/st');
  const marker = join(dir, '.complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === version && existsSync(st)) return st;
  if (!commandExists('python3'))
    throw new ComponentError('schemathesis', 'python3 is not on the PATH; install Python 3 (3.9 or later) with venv');
  log(`schemathesis: pip install schemathesis==${version} into ${dir} (about a minute the first time)`);
  rmSync(dir, { recursive: true, force: true });
  run('schemathesis', 'python3', ['-m', 'venv', dir]);
  run('schemathesis', join(dir, 'bin/pip'), [
    'install',
    '-q',
    '--disable-pip-version-check',
    `schemathesis==${version}`,
  ]);
  writeFileSync(marker, version);
  return st;
}
