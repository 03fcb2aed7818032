// What the Kubernetes manifest tests share: a render of an overlay by the pinned kustomize, a broken copy of one, and
// the names of the generated objects the broken cases reach into.
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

/** A deep copy of the rendered objects with one change made to one of them. */
/* eslint-disable @typescript-eslint/no-explicit-any --
   the broken cases reach into a rendered manifest wherever the break goes, typed or not */
export function broken(objects: K8sObject[], kind: string, change: (o: any) => void, name?: string): K8sObject[] {
  const copy = structuredClone(objects);
  change(copy.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name)));
  return copy;
}

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
