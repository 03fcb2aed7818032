// The archive specs the tests run with: the default (the brief's table, the local stack's) and the help desks'
// examples, loaded from the files the program ships (connectors/specs).
import { join } from 'node:path';
import { projectRoot } from '../../infra/local/settings.ts';
import type { ArchiveSpec } from '../../services/core/spec/archiveSpec.ts';
import { eventShape } from '../../services/core/spec/eventShape.ts';
import { loadArchiveSpec } from '../../services/runtime/archiveSpecFile.ts';

export const specFile = (name: string): string => join(projectRoot, 'connectors', 'specs', `${name}.yaml`);
export const exampleSpec = (name: 'default' | 'zammad' | 'znuny' | 'request-tracker'): ArchiveSpec =>
  loadArchiveSpec(specFile(name));
export const defaultSpec = exampleSpec('default');
export const defaultShape = eventShape(defaultSpec);
