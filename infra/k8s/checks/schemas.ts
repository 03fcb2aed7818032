// Strict schema validation of rendered objects, each kind against the most authoritative model available offline:
// core kinds against the Kubernetes release's OpenAPI schemas (kubernetes-validate), KEDA and Prometheus Operator
// kinds against the models generated from their CRDs (@kubernetes-models), Strimzi kinds against Strimzi's own Java
// model (StrimziCheck.java). Each returns problems; an empty list passes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { stringify } from 'yaml';
import { projectRoot } from '../../local/settings.ts';
import { isCore, type K8sObject } from './render.ts';

const label = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
const toYaml = (objects: K8sObject[]) => objects.map((o) => stringify(o)).join('---\n');

/** Core kinds, strictly (unknown fields fail), against the OpenAPI schemas of the given Kubernetes minor. */
export function coreSchemaProblems(
  kubernetesValidate: string,
  kubernetesVersion: string,
  objects: K8sObject[],
): string[] {
  const core = objects.filter(isCore);
  if (core.length === 0) return ['no core objects to validate'];
  const dir = mkdtempSync(join(tmpdir(), 'k8s-validate-'));
  try {
    const file = join(dir, 'core.yaml');
    writeFileSync(file, toYaml(core));
    const minor = kubernetesVersion.replace(/^v/, '').split('.').slice(0, 2).join('.');
    const r = spawnSync(kubernetesValidate, ['--strict', '--kubernetes-version', `${minor}.0`, file], {
      encoding: 'utf8',
    });
    const out = `${r.stdout}${r.stderr}`;
    if (r.status === 0 && !/ERROR/.test(out)) return [];
    return out
      .split('\n')
      .filter((l) => /ERROR|error|Error/.test(l))
      .map((l) => l.trim())
      .concat(r.status === 0 ? [] : [`kubernetes-validate exited with ${r.status}`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const models: Record<string, new (data: never) => { validate(): void }> = {
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

/** KEDA and Prometheus Operator kinds against the models generated from their custom resource definitions. */
export function operatorModelProblems(objects: K8sObject[]): string[] {
  const mine = objects.filter((o) => /keda\.sh|monitoring\.coreos\.com/.test(o.apiVersion));
  return mine.flatMap((o) => {
    const Model = models[`${o.apiVersion}/${o.kind}`];
    if (!Model) return [`${label(o)}: ${o.apiVersion} ${o.kind} has no model here`];
    try {
      new Model(o as never).validate();
      return [];
    } catch (err) {
      return [`${label(o)}: ${(err as Error).message}`];
    }
  });
}

/** Strimzi kinds read by Strimzi's own model, failing on unknown properties and wrong types. */
export function strimziModelProblems(classpath: string, objects: K8sObject[]): string[] {
  const mine = objects.filter((o) => o.apiVersion.startsWith('kafka.strimzi.io/'));
  if (mine.length === 0) return ['no Strimzi objects to validate'];
  const r = spawnSync('java', ['-cp', classpath, join(projectRoot, 'infra/k8s/checks/strimzi/StrimziCheck.java')], {
    input: toYaml(mine),
    encoding: 'utf8',
  });
  if (r.status === 0) return [];
  const lines = r.stdout.split('\n').filter((l) => l && !/resource\(s\) checked/.test(l));
  return lines.length > 0
    ? lines
    : [`StrimziCheck exited with ${r.status}: ${r.stderr.trim().split('\n').slice(0, 5).join(' ')}`];
}
