// The archive spec a command runs with: the file ARCHIVE_SPEC names (YAML, or JSON, which YAML reads too), else the
// default spec shipped with the program (connectors/specs/default.yaml, the brief's table). Validated at start: a
// file that cannot be read or parsed, or a field that is wrong, is a ConfigError naming the file and the field.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from '../core/errors.ts';
import { archiveSpecSchema, specProblems, type ArchiveSpec } from '../core/spec/archiveSpec.ts';
import { defaultSpecFile } from '../shipped/index.ts';

export function loadArchiveSpec(file: string | undefined): ArchiveSpec {
  const path = file ?? defaultSpecFile();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`ARCHIVE_SPEC: cannot read ${path}: ${(err as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (err) {
    throw new ConfigError([`ARCHIVE_SPEC: ${path} is not YAML or JSON: ${(err as Error).message}`]);
  }
  const spec = archiveSpecSchema.safeParse(parsed);
  if (!spec.success) throw new ConfigError(specProblems(spec.error).map((p) => `ARCHIVE_SPEC ${path}: ${p}`));
  return spec.data;
}
