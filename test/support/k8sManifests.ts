// What the Kubernetes manifest tests share: a render of an overlay by the pinned kustomize, a broken copy of one, and
// the names of the generated objects the broken cases reach into.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kustomizeBuild, overlayDir, type K8sObject } from '../../infra/k8s/checks/render.ts';
import { ensureKustomize } from '../../infra/k8s/checks/tools.ts';
import { stackSettings } from '../../infra/local/settings.ts';
import { loadVersions } from '../../infra/local/versions.ts';

/** The pinned versions of every tool and release the checks use (infra/local/versions.json). */
export const versions = loadVersions();
/** The local stack's settings: the tools are built and cached where they say (STACK_CACHE_DIR). */
export const settings = stackSettings();
export const log = (m: string) => process.stderr.write(`[k8s] ${m}\n`);
export const kustomize = () => ensureKustomize(settings, versions, log);
export const render = (overlay: string) => kustomizeBuild(kustomize(), overlayDir(overlay)).objects;

/** A render of an overlay edited as an operator would edit a copy of it: copied beside the others (its relative paths
 * hold), its kustomization.yaml changed by `edit`, rendered, and removed. */
export function renderEdited(overlay: string, edit: (kustomization: string) => string): K8sObject[] {
  const dir = overlayDir(`.edited-${process.pid}`);
  cpSync(overlayDir(overlay), dir, { recursive: true });
  try {
    const file = join(dir, 'kustomization.yaml');
    const text = readFileSync(file, 'utf8');
    const edited = edit(text);
    if (edited === text) throw new Error(`the edit changed nothing in ${overlay}'s kustomization`);
    writeFileSync(file, edited);
    return kustomizeBuild(kustomize(), dir).objects;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The next release's render: the overlay with another image tag. */
export const renderWithTag = (overlay: string, tag: string) =>
  renderEdited(overlay, (k) => k.replace(/^ {4}newTag: \S+$/m, `    newTag: ${tag}`));

/** The overlay with the backfill's Indexed Job (components/backfill, before the others' patches). */
export const renderWithBackfill = (overlay: string) =>
  renderEdited(overlay, (k) => k.replace(/^components:\n/m, 'components:\n  - ../../components/backfill\n'));

/** A deep copy of the rendered objects with one change made to one of them. */
/* eslint-disable @typescript-eslint/no-explicit-any --
   the broken cases reach into a rendered manifest wherever the break goes, typed or not */
export function broken(objects: K8sObject[], kind: string, change: (o: any) => void, name?: string): K8sObject[] {
  const copy = structuredClone(objects);
  change(copy.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name)));
  return copy;
}

/** The migrations Job's name, which carries the image's tag (ticket-archiver-migrate-<tag>). */
export const migrationsJob = (objects: K8sObject[]) =>
  objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('ticket-archiver-migrate-'))!.metadata.name;
/** The generated name (with its hash) of the ConfigMap the archiver and the reconciler share. */
export const sharedSettings = (objects: K8sObject[]) =>
  objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('ticket-archiver-settings-'))!.metadata.name;
/** The same for the read API's own ConfigMap. */
export const readApiSettings = (objects: K8sObject[]) =>
  objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('ticket-archiver-read-api-settings-'))!
    .metadata.name;
export const READ_API = 'ticket-archiver-read-api';
/** The same for the archive spec's ConfigMap. */
export const specSettings = (objects: K8sObject[]) =>
  objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('ticket-archiver-spec-'))!.metadata.name;
