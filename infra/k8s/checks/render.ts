// Renders a Kustomize overlay with the real kustomize and parses the objects it prints.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { projectRoot } from '../../local/settings.ts';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [key: string]: unknown;
}

/** The spec of a rendered object, read as the model of its kind (the caller names the kind it checked). */
export const specOf = <T>(o: K8sObject): T | undefined => o.spec as T | undefined;

export const overlays = ['dev', 'prod'] as const;
export const overlayDir = (name: string) => join(projectRoot, 'infra/k8s/overlays', name);

export interface Rendered {
  yaml: string;
  objects: K8sObject[];
}

export class RenderError extends Error {}

export function kustomizeBuild(kustomize: string, dir: string): Rendered {
  const r = spawnSync(kustomize, ['build', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new RenderError(`kustomize build ${dir} failed: ${(r.stderr || r.stdout).trim()}`);
  return { yaml: r.stdout, objects: parseObjects(r.stdout) };
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new RenderError(`not YAML: ${d.errors[0]?.message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** Kinds every Kubernetes API server serves; the rest need their operators' custom resource definitions. */
export const CORE_GROUPS = [
  'v1',
  'apps/v1',
  'batch/v1',
  'policy/v1',
  'networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1',
];
export const isCore = (o: K8sObject) => CORE_GROUPS.includes(o.apiVersion);

export function find(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind}${name ? ` ${name}` : ''} among the rendered objects`);
  return found;
}

/** A label selector (Kubernetes' LabelSelector: every matchLabels pair and every matchExpressions requirement). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** Whether a selector selects an object with these labels, as Kubernetes decides it (an empty selector selects all). */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const pairs = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    pairs &&
    (selector.matchExpressions ?? []).every((e) => {
      const has = e.key in labels;
      if (e.operator === 'In') return has && (e.values ?? []).includes(labels[e.key]!);
      if (e.operator === 'NotIn') return !has || !(e.values ?? []).includes(labels[e.key]!);
      if (e.operator === 'Exists') return has;
      if (e.operator === 'DoesNotExist') return !has;
      return false;
    })
  );
}
