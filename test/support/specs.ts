// The archive specs the tests run with: the default (the brief's table, the local stack's) and the help desks'
// examples, loaded from the files the program ships (connectors/specs).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../infra/local/settings.ts';
import type { ArchiveSpec } from '../../services/core/spec/archiveSpec.ts';
import { eventShape } from '../../services/core/spec/eventShape.ts';
import { loadArchiveSpec } from '../../services/runtime/archiveSpecFile.ts';

type ExampleName = 'default' | 'zammad' | 'znuny' | 'request-tracker';

export const specFile = (name: string): string => join(projectRoot, 'connectors', 'specs', `${name}.yaml`);
export const exampleSpec = (name: ExampleName): ArchiveSpec => loadArchiveSpec(specFile(name));

/** The example spec `name` with `parts` listed after its own (last: deleted first, restored last), written as JSON to
 * a new temp dir; returns its path. */
export function specFileWithParts(name: ExampleName, parts: unknown[]): string {
  const spec = parse(readFileSync(specFile(name), 'utf8')) as { parts?: unknown[] };
  const out = join(mkdtempSync(join(tmpdir(), `${name}-spec-`)), 'spec.json');
  writeFileSync(out, JSON.stringify({ ...spec, parts: [...(spec.parts ?? []), ...parts] }, null, 2));
  return out;
}
export const defaultSpec = exampleSpec('default');
export const defaultShape = eventShape(defaultSpec);
