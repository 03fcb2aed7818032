// The workloads of a render as our checks read them: each container of a Deployment, Job or CronJob with the pod it
// runs in, and the environment it gets from its env, ConfigMaps and Secrets.
import type { IDeploymentSpec } from 'kubernetes-models/apps/v1/DeploymentSpec';
import type { ICronJobSpec } from 'kubernetes-models/batch/v1/CronJobSpec';
import type { IJobSpec } from 'kubernetes-models/batch/v1/JobSpec';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { specOf, type K8sObject } from './render.ts';

export interface Workload {
  object: K8sObject;
  podSpec: IPodSpec;
  /** The labels of the pods it makes (the pod template's), which Services, policies and monitors select. */
  podLabels: Record<string, string>;
  container: IContainer;
  init: boolean;
}

function templateOf(o: K8sObject): IPodTemplateSpec | undefined {
  if (o.kind === 'CronJob') return specOf<ICronJobSpec>(o)?.jobTemplate.spec?.template;
  if (o.kind === 'Deployment') return specOf<IDeploymentSpec>(o)?.template;
  if (o.kind === 'Job') return specOf<IJobSpec>(o)?.template;
  return undefined;
}

/** Every container of every workload (Deployment, Job, CronJob), with the pod spec it runs in. */
export function workloads(objects: K8sObject[]): Workload[] {
  return objects.flatMap((object) => {
    const template = templateOf(object);
    const podSpec = template?.spec;
    if (!podSpec) return [];
    const podLabels = template.metadata?.labels ?? {};
    return [
      ...(podSpec.initContainers ?? []).map((container) => ({ object, podSpec, podLabels, container, init: true })),
      ...podSpec.containers.map((container) => ({ object, podSpec, podLabels, container, init: false })),
    ];
  });
}

/** The field an Indexed Job's pod reads its index from (Kubernetes also sets it as JOB_COMPLETION_INDEX). */
export const COMPLETION_INDEX_FIELD = "metadata.annotations['batch.kubernetes.io/job-completion-index']";

/** A value of the right shape for a field reference: the pod's name, or its completion index. */
const fieldStandIn = (path: string) => (path === COMPLETION_INDEX_FIELD ? '0' : 'pod-name');

/** Where a problem is, as every policy names it: the workload and its container. */
export const where = (w: Workload) => `${w.object.kind}/${w.object.metadata.name} container ${w.container.name}`;

/** The environment a container gets: its env and its envFrom ConfigMaps (values, and single keys by configMapKeyRef),
 * Secret and field references. */
export function containerEnv(
  objects: K8sObject[],
  w: Workload,
  fill: (ref: { secret: string; key: string; variable: string }) => string,
): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  const configMap = (name: string) => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  for (const from of w.container.envFrom ?? []) {
    if (from.secretRef)
      problems.push(`${where(w)}: envFrom a Secret sets variables nobody can list; name each key with secretKeyRef`);
    const cm = from.configMapRef?.name;
    if (!cm) continue;
    const map = configMap(cm);
    if (!map) problems.push(`${where(w)}: ConfigMap ${cm} is not among the rendered objects`);
    Object.assign(env, map?.data ?? {});
  }
  for (const e of w.container.env ?? []) {
    const keyRef = e.valueFrom?.configMapKeyRef;
    if (typeof e.value === 'string') env[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef)
      env[e.name] = fill({
        secret: e.valueFrom.secretKeyRef.name ?? '',
        key: e.valueFrom.secretKeyRef.key,
        variable: e.name,
      });
    else if (e.valueFrom?.fieldRef) env[e.name] = fieldStandIn(e.valueFrom.fieldRef.fieldPath);
    else if (keyRef) {
      const value = configMap(keyRef.name ?? '')?.data?.[keyRef.key];
      if (value !== undefined) env[e.name] = value;
      else if (keyRef.optional !== true)
        problems.push(
          `${where(w)}: ${e.name} takes key ${keyRef.key} of ConfigMap ${keyRef.name ?? '(unnamed)'}, which the render does not have`,
        );
    } else problems.push(`${where(w)}: ${e.name} has neither a value nor a ConfigMap, Secret or field reference`);
  }
  return { env, problems };
}
