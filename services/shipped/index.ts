// What ships with the program beside its code: the SQL migrations, the connector definition and the version, found
// the same way wherever the program runs: the TypeScript under tsx in a clone, the compiled program in a clone's
// dist/, an `npm pack` tarball installed into any directory, and the image's /app. One rule for all of them: the
// nearest package.json named ticket-archiver above this file is the package's root, and the files lie below it as in
// the repository (package.json's "files" and the Dockerfile ship them so).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'ticket-archiver';

let root: string | undefined;

function nameOf(packageJson: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(packageJson, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/** The directory holding the program's package.json. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && nameOf(candidate) === PACKAGE_NAME) return (root = dir);
    if (dirname(dir) === dir) break;
  }
  throw new Error(`no package.json of ${PACKAGE_NAME} above ${start}: the program's installation is incomplete`);
}

/** A shipped file or directory; a missing one is named with what to do about it. */
export function shippedPath(...parts: string[]): string {
  const path = join(packageRoot(), ...parts);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: the installation of ${PACKAGE_NAME} is incomplete (reinstall the package)`);
  }
  return path;
}

/** The hot schema's migrations and the grants of each job's role. */
export const migrationsDir = (): string => shippedPath('infra', 'postgres', 'migrations');

/** The Debezium connector for the tickets table. */
export const ticketsConnectorFile = (): string => shippedPath('connectors', 'tickets-postgres.json');

/** The archive spec of the brief's table, used when ARCHIVE_SPEC is not set; the examples lie beside it. */
export const defaultSpecFile = (): string => shippedPath('connectors', 'specs', 'default.yaml');

/** The program's version, from its package.json. */
export function programVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
