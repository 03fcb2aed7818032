// Our own rules for the rendered manifests, as plain functions from objects to problems (an empty list passes):
// what no schema can know, because it is about this program and this pipeline.
import type { z } from 'zod';
import { archiverSchema } from '../../../services/archiver/settings.ts';
import { ConfigError } from '../../../services/core/errors.ts';
import { kafkaSecurity } from '../../../services/core/kafkaSecurity.ts';
import { configSchema, type Config } from '../../../services/core/settings.ts';
import { parseDuration } from '../../../services/core/duration.ts';
import { reconcilerSchema } from '../../../services/reconciler/settings.ts';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { IDeploymentSpec } from 'kubernetes-models/apps/v1/DeploymentSpec';
import type { ICronJobSpec } from 'kubernetes-models/batch/v1/CronJobSpec';
import type { IJobSpec } from 'kubernetes-models/batch/v1/JobSpec';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { specOf, type K8sObject } from './render.ts';

export interface Workload {
  object: K8sObject;
  podSpec: IPodSpec;
  container: IContainer;
  init: boolean;
}

/** The part of Strimzi's KafkaTopic these rules read (Strimzi publishes no TypeScript model). */
interface KafkaTopicSpec {
  topicName?: string;
  partitions?: number;
}

function podSpecOf(o: K8sObject): IPodSpec | undefined {
  if (o.kind === 'CronJob') return specOf<ICronJobSpec>(o)?.jobTemplate.spec?.template.spec;
  if (o.kind === 'Deployment') return specOf<IDeploymentSpec>(o)?.template.spec;
  if (o.kind === 'Job') return specOf<IJobSpec>(o)?.template.spec;
  return undefined;
}

/** Every container of every workload (Deployment, Job, CronJob), with the pod spec it runs in. */
export function workloads(objects: K8sObject[]): Workload[] {
  return objects.flatMap((object) => {
    const podSpec = podSpecOf(object);
    if (!podSpec) return [];
    return [
      ...(podSpec.initContainers ?? []).map((container) => ({ object, podSpec, container, init: true })),
      ...podSpec.containers.map((container) => ({ object, podSpec, container, init: false })),
    ];
  });
}

const where = (w: Workload) => `${w.object.kind}/${w.object.metadata.name} container ${w.container.name}`;

/** The schema of the program a container runs, by its subcommand. */
function schemaOf(command: string[]): z.ZodObject | undefined {
  const sub = command[0] === 'ticket-archiver' ? command[1] : undefined;
  if (sub === 'archive') return archiverSchema;
  if (sub === 'reconcile') return reconcilerSchema;
  if (sub === 'migrate') return configSchema.pick({ DATABASE_URL: true });
  return undefined;
}

/** A value of the right shape for a secret the manifests reference by name, so the schema can parse the rest. */
function standInSecret(variable: string): string {
  if (variable.endsWith('DATABASE_URL')) return 'postgres://archiver:secret@hot-db:5432/tickets';
  if (variable === 'MONGODB_URL') return 'mongodb://archiver:secret@cold-store:27017/tickets';
  return 'secret';
}

/** The environment a container gets: its env and its envFrom ConfigMaps (values), Secret and field references. */
export function containerEnv(objects: K8sObject[], w: Workload, fill: (ref: { secret: string; key: string; variable: string }) => string): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const from of w.container.envFrom ?? []) {
    if (from.secretRef) problems.push(`${where(w)}: envFrom a Secret sets variables nobody can list; name each key with secretKeyRef`);
    const cm = from.configMapRef?.name;
    if (!cm) continue;
    const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === cm);
    if (!map) problems.push(`${where(w)}: ConfigMap ${cm} is not among the rendered objects`);
    Object.assign(env, map?.data ?? {});
  }
  for (const e of w.container.env ?? []) {
    if (typeof e.value === 'string') env[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) env[e.name] = fill({ secret: e.valueFrom.secretKeyRef.name ?? '', key: e.valueFrom.secretKeyRef.key, variable: e.name });
    else if (e.valueFrom?.fieldRef) env[e.name] = 'pod-name';
    else problems.push(`${where(w)}: ${e.name} has neither a value nor a Secret or field reference`);
  }
  return { env, problems };
}

/** Every variable a container sets is one its program's schema accepts, every required one is set, all parse, and the
 * Kafka security settings agree with each other as the program checks them at start (core/kafkaSecurity.ts). */
export function settingsPolicy(objects: K8sObject[]): string[] {
  return workloads(objects).flatMap((w) => {
    const schema = schemaOf(w.container.command ?? []);
    if (!schema) return [`${where(w)}: runs ${JSON.stringify(w.container.command)}, not a ticket-archiver subcommand this check knows`];
    const { env, problems } = containerEnv(objects, w, (r) => standInSecret(r.variable));
    const known = Object.keys(schema.shape);
    for (const name of Object.keys(env)) if (!known.includes(name)) problems.push(`${where(w)}: ${name} is not a setting of ${(w.container.command ?? []).slice(0, 2).join(' ')}`);
    for (const name of known) {
      if (!(name in env) && !(schema.shape as Record<string, z.ZodType>)[name]!.safeParse(undefined).success) problems.push(`${where(w)}: required setting ${name} is not set`);
    }
    const parsed = schema.safeParse(env);
    if (!parsed.success) for (const issue of parsed.error.issues) problems.push(`${where(w)}: ${issue.path.join('.')}: ${issue.message}`);
    else if ('KAFKA_BROKERS' in schema.shape) {
      try {
        kafkaSecurity(parsed.data as Config);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const p of err.problems) problems.push(`${where(w)}: ${p}`);
      }
    }
    return problems;
  });
}

/** The archiver's probes ask the program's own endpoints on the port it listens on; it stops before it is killed. */
export function probePolicy(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects).filter((x) => x.container.command?.[1] === 'archive')) {
    const { env } = containerEnv(objects, w, () => 'x');
    const port = Number(env.HTTP_PORT ?? archiverSchema.shape.HTTP_PORT.parse(undefined));
    const named = new Map((w.container.ports ?? []).map((p) => [p.name, p.containerPort]));
    const expected = { livenessProbe: '/healthz', readinessProbe: '/readyz', startupProbe: '/healthz' } as const;
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      const path = expected[probe];
      const get = w.container[probe]?.httpGet;
      if (!get) {
        problems.push(`${where(w)}: no ${probe} over HTTP`);
        continue;
      }
      if (get.path !== path) problems.push(`${where(w)}: ${probe} asks ${get.path ?? '/'}, the program answers it on ${path}`);
      const probePort = typeof get.port === 'string' ? named.get(get.port) : get.port;
      if (probePort !== port) problems.push(`${where(w)}: ${probe} asks port ${String(get.port)} (${String(probePort)}), the program listens on HTTP_PORT ${port}`);
    }
    const shutdownMs = parseDuration(env.SHUTDOWN_TIMEOUT ?? '30s') ?? 0;
    const grace = (w.podSpec.terminationGracePeriodSeconds ?? 30) * 1000;
    if (grace <= shutdownMs) problems.push(`${where(w)}: terminationGracePeriodSeconds ${grace / 1000} is not longer than SHUTDOWN_TIMEOUT ${env.SHUTDOWN_TIMEOUT ?? '30s'}`);
  }
  return problems;
}

/** KEDA scales the archiver within its topic's partitions, on the group and topic the archiver really uses. */
export function scalingPolicy(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const archiver = workloads(objects).find((w) => w.container.command?.[1] === 'archive');
  if (!archiver) return ['no archiver container among the rendered objects'];
  const { env } = containerEnv(objects, archiver, (r) => standInSecret(r.variable));
  const settings = archiverSchema.partial().parse(env);
  const topic = settings.TICKETS_TOPIC ?? 'ticketdb.public.tickets';
  const kafkaTopic = objects.find((o) => o.kind === 'KafkaTopic' && (specOf<KafkaTopicSpec>(o)?.topicName ?? o.metadata.name) === topic);
  if (!kafkaTopic) return [`no KafkaTopic declares ${topic}`];
  const partitions = specOf<KafkaTopicSpec>(kafkaTopic)?.partitions ?? 0;
  const scaled = objects.filter((o) => o.kind === 'ScaledObject' && specOf<IScaledObject['spec']>(o)?.scaleTargetRef.name === archiver.object.metadata.name);
  if (scaled.length !== 1) return [`expected one ScaledObject on ${archiver.object.metadata.name}, found ${scaled.length}`];
  const spec = specOf<IScaledObject['spec']>(scaled[0]!)!;
  const max = spec.maxReplicaCount ?? 100;
  const min = spec.minReplicaCount ?? 0;
  if (!(max <= partitions)) problems.push(`ScaledObject maxReplicaCount ${max} exceeds the ${partitions} partitions of ${topic}`);
  if (!(min >= 1)) problems.push(`ScaledObject minReplicaCount ${min}: due timers need a live archiver at zero lag`);
  const replicas = specOf<IDeploymentSpec>(archiver.object)?.replicas ?? 1;
  if (replicas > partitions) problems.push(`Deployment replicas ${replicas} exceeds the ${partitions} partitions of ${topic}`);
  if (!spec.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleDown) problems.push('ScaledObject does not damp scale-down (advanced.horizontalPodAutoscalerConfig.behavior.scaleDown)');
  const triggers = spec.triggers.filter((t) => t.type === 'kafka');
  if (triggers.length === 0) problems.push('ScaledObject has no kafka trigger');
  const group = settings.ARCHIVER_GROUP_ID ?? 'ticket-archiver';
  for (const t of triggers) {
    const m = t.metadata;
    if (m.topic !== topic) problems.push(`kafka trigger topic ${m.topic} is not the archiver's ${topic}`);
    if (m.consumerGroup !== group) problems.push(`kafka trigger group ${m.consumerGroup} is not the archiver's ${group}`);
    if (m.bootstrapServers !== env.KAFKA_BROKERS) problems.push(`kafka trigger brokers ${m.bootstrapServers} are not the archiver's ${env.KAFKA_BROKERS ?? '(unset)'}`);
  }
  return problems;
}

/** Non-root, read-only root filesystem, no escalation, no capabilities, requests and a memory limit, no token. */
export function securityPolicy(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects)) {
    const pod = w.podSpec.securityContext ?? {};
    const c = w.container.securityContext ?? {};
    if (!(c.runAsNonRoot ?? pod.runAsNonRoot)) problems.push(`${where(w)}: may run as root (runAsNonRoot)`);
    if ((c.runAsUser ?? pod.runAsUser) === 0) problems.push(`${where(w)}: runs as user 0`);
    if (c.readOnlyRootFilesystem !== true) problems.push(`${where(w)}: root filesystem is writable`);
    if (c.allowPrivilegeEscalation !== false) problems.push(`${where(w)}: privilege escalation is allowed`);
    if (!(c.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where(w)}: capabilities are not all dropped`);
    if (c.privileged === true) problems.push(`${where(w)}: privileged`);
    if (!w.container.resources?.limits?.memory) problems.push(`${where(w)}: no memory limit`);
    if (!w.container.resources?.requests?.cpu || !w.container.resources?.requests?.memory) problems.push(`${where(w)}: no CPU and memory requests`);
    if (w.podSpec.automountServiceAccountToken !== false) problems.push(`${where(w)}: mounts a service-account token`);
  }
  return problems;
}

/** No Secret is filled with values in the repository, and no variable carries a password inline. */
export function secretPolicy(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    if (o.kind === 'Secret') problems.push(`Secret/${o.metadata.name} is rendered with values; reference Secrets created outside the repository`);
  }
  for (const w of workloads(objects)) {
    for (const e of w.container.env ?? []) {
      if (typeof e.value === 'string' && /:\/\/[^/@\s]*:[^/@\s]+@/.test(e.value)) problems.push(`${where(w)}: ${e.name} carries a password inline`);
      if (typeof e.value === 'string' && /PASSWORD|SECRET|TOKEN/i.test(e.name)) problems.push(`${where(w)}: ${e.name} is set inline, not from a Secret`);
    }
  }
  for (const o of objects.filter((x) => x.kind === 'ConfigMap')) {
    for (const [k, v] of Object.entries(o.data ?? {})) if (/:\/\/[^/@\s]*:[^/@\s]+@/.test(v) || /PASSWORD|SECRET|TOKEN/i.test(k)) problems.push(`ConfigMap/${o.metadata.name}: ${k} looks like a secret`);
  }
  return problems;
}

/** The reconciler runs one pass at a time, never overlapping. */
export function reconcilerPolicy(objects: K8sObject[]): string[] {
  const jobs = objects.filter((o) => o.kind === 'CronJob');
  const problems: string[] = jobs.length === 1 ? [] : [`expected one CronJob, found ${jobs.length}`];
  for (const o of jobs) {
    const spec = specOf<ICronJobSpec>(o);
    if (spec?.concurrencyPolicy !== 'Forbid') problems.push(`CronJob/${o.metadata.name}: concurrencyPolicy ${spec?.concurrencyPolicy ?? 'Allow'}, passes may overlap`);
    if (!((spec?.startingDeadlineSeconds ?? 0) > 0)) problems.push(`CronJob/${o.metadata.name}: no startingDeadlineSeconds`);
    if (!((spec?.jobTemplate.spec?.activeDeadlineSeconds ?? 0) > 0)) problems.push(`CronJob/${o.metadata.name}: no activeDeadlineSeconds`);
    const command = spec?.jobTemplate.spec?.template.spec?.containers[0]?.command ?? [];
    if (command.join(' ') !== 'ticket-archiver reconcile --once') problems.push(`CronJob/${o.metadata.name}: runs ${command.join(' ')}, not one reconcile pass`);
  }
  return problems;
}

export const policies = { settingsPolicy, probePolicy, scalingPolicy, securityPolicy, secretPolicy, reconcilerPolicy };

export function allPolicies(objects: K8sObject[]): string[] {
  return Object.values(policies).flatMap((p) => p(objects));
}
