// Our own rules for the rendered manifests, as plain functions from objects to problems (an empty list passes):
// what no schema can know, because it is about this program and this pipeline.
import type { z } from 'zod';
import { archiverSchema } from '../../../services/archiver/settings.ts';
import { ConfigError } from '../../../services/core/errors.ts';
import { kafkaSecurity } from '../../../services/core/kafkaSecurity.ts';
import { configSchema, withJobDatabaseUrl, type Config, type JobDatabaseUrl } from '../../../services/core/settings.ts';
import { readApiSchema } from '../../../services/readApi/settings.ts';
import { reconcilerSchema } from '../../../services/reconciler/settings.ts';
import type { IPodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { IDeploymentSpec } from 'kubernetes-models/apps/v1/DeploymentSpec';
import type { ICronJobSpec } from 'kubernetes-models/batch/v1/CronJobSpec';
import type { IJobSpec } from 'kubernetes-models/batch/v1/JobSpec';
import type { INetworkPolicySpec } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicySpec';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IServiceSpec } from 'kubernetes-models/v1/ServiceSpec';
import { selects, specOf, type K8sObject } from './render.ts';

export interface Workload {
  object: K8sObject;
  podSpec: IPodSpec;
  /** The labels of the pods it makes (the pod template's), which Services, policies and monitors select. */
  podLabels: Record<string, string>;
  container: IContainer;
  init: boolean;
}

/** The part of Strimzi's KafkaTopic these rules read (Strimzi publishes no TypeScript model). */
interface KafkaTopicSpec {
  topicName?: string;
  partitions?: number;
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

const where = (w: Workload) => `${w.object.kind}/${w.object.metadata.name} container ${w.container.name}`;

/** What a container's program reads: its settings schema, and the variable (if any) it takes DATABASE_URL from when
 * that is set (core/settings.ts withJobDatabaseUrl, as services/cli does for the job's own role). */
interface Program {
  schema: z.ZodObject;
  jobDatabaseUrl?: JobDatabaseUrl;
  /** The endpoints it answers on HTTP_PORT (services/runtime/httpEndpoints.ts, services/readApi/serve.ts), by probe:
   * the ones a container must have, and the ones it may have. */
  probes?: { required: Partial<Record<ProbeName, string>>; optional: Partial<Record<ProbeName, string>> };
}

type ProbeName = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

/** The program a container runs, by its subcommand (and arguments: `migrate --check` reads DATABASE_URL only). */
export function programOf(w: Workload): Program | undefined {
  const command = [...(w.container.command ?? []), ...(w.container.args ?? [])];
  const sub = command[0] === 'ticket-archiver' ? command[1] : undefined;
  if (sub === 'archive')
    return {
      schema: archiverSchema,
      probes: {
        required: { livenessProbe: '/healthz', readinessProbe: '/readyz', startupProbe: '/healthz' },
        optional: {},
      },
    };
  if (sub === 'serve')
    return {
      schema: readApiSchema,
      jobDatabaseUrl: 'READ_DATABASE_URL',
      probes: {
        required: { livenessProbe: '/healthz', readinessProbe: '/readyz' },
        optional: { startupProbe: '/healthz' },
      },
    };
  if (sub === 'reconcile') return { schema: reconcilerSchema };
  if (sub === 'migrate')
    return {
      schema: configSchema.pick({ DATABASE_URL: true }),
      jobDatabaseUrl: command.includes('--check') ? undefined : 'MIGRATIONS_DATABASE_URL',
    };
  return undefined;
}

/** A value of the right shape for a secret the manifests reference by name, so the schema can parse the rest. */
function standInSecret(variable: string): string {
  if (variable.endsWith('DATABASE_URL')) return 'postgres://archiver:secret@hot-db:5432/tickets';
  if (variable === 'MONGODB_URL') return 'mongodb://archiver:secret@cold-store:27017/tickets';
  if (variable === 'API_TOKEN') return 'stand-in-token-0123456789abcdef';
  return 'secret';
}

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
    else if (e.valueFrom?.fieldRef) env[e.name] = 'pod-name';
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

/** Every variable a container sets is one its program's schema accepts, every required one is set, all parse, and the
 * Kafka security settings agree with each other as the program checks them at start (core/kafkaSecurity.ts). */
export function settingsPolicy(objects: K8sObject[]): string[] {
  return workloads(objects).flatMap((w) => {
    const program = programOf(w);
    if (!program)
      return [
        `${where(w)}: runs ${JSON.stringify(w.container.command)}, not a ticket-archiver subcommand this check knows`,
      ];
    const { schema, jobDatabaseUrl } = program;
    const { env: set, problems } = containerEnv(objects, w, (r) => standInSecret(r.variable));
    // What the program parses: its own variable for the job's role, when set, stands for DATABASE_URL.
    const env = jobDatabaseUrl ? (withJobDatabaseUrl(set, jobDatabaseUrl) as Record<string, string>) : set;
    const known = [...Object.keys(schema.shape), ...(jobDatabaseUrl ? [jobDatabaseUrl] : [])];
    for (const name of Object.keys(set))
      if (!known.includes(name))
        problems.push(`${where(w)}: ${name} is not a setting of ${(w.container.command ?? []).slice(0, 2).join(' ')}`);
    if (jobDatabaseUrl && 'DATABASE_URL' in set && jobDatabaseUrl in set)
      problems.push(
        `${where(w)}: DATABASE_URL is set but unused (${jobDatabaseUrl} is the program's database URL): a credential the pod does not need`,
      );
    for (const name of Object.keys(schema.shape)) {
      const alias = name === 'DATABASE_URL' && jobDatabaseUrl ? ` (or ${jobDatabaseUrl})` : '';
      if (!(name in env) && !(schema.shape as Record<string, z.ZodType>)[name]!.safeParse(undefined).success)
        problems.push(`${where(w)}: required setting ${name}${alias} is not set`);
    }
    const parsed = schema.safeParse(env);
    if (!parsed.success)
      for (const issue of parsed.error.issues) problems.push(`${where(w)}: ${issue.path.join('.')}: ${issue.message}`);
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

/** The port a serving container's program listens on: HTTP_PORT as its schema reads it (the default when unset). */
function listenPort(objects: K8sObject[], w: Workload, program: Program): number | undefined {
  const { env } = containerEnv(objects, w, () => 'x');
  const parsed = (program.schema.shape as Record<string, z.ZodType>).HTTP_PORT?.safeParse(env.HTTP_PORT);
  return parsed?.success ? (parsed.data as number) : undefined;
}

/** A container port by name or number, as Kubernetes resolves a probe's, a Service's or a PodMonitor's port. */
function containerPort(w: Workload, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return (w.container.ports ?? []).find((p) => p.name === port)?.containerPort;
}

/** The containers that serve HTTP (the archiver's endpoints, the read API), with their program and port. */
function servers(objects: K8sObject[]) {
  return workloads(objects).flatMap((w) => {
    const program = w.init ? undefined : programOf(w);
    return program?.probes ? [{ w, program, port: listenPort(objects, w, program) }] : [];
  });
}

/** Each serving program's probes ask its own endpoints on the port it listens on; it stops before it is killed: the
 * pod's grace period is longer than a preStop pause plus the program's SHUTDOWN_TIMEOUT (as its schema reads it). */
export function probePolicy(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const { w, program, port } of servers(objects)) {
    const expected = { ...program.probes!.optional, ...program.probes!.required };
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      const path = expected[probe];
      const declared = w.container[probe];
      if (!declared) {
        if (program.probes!.required[probe]) problems.push(`${where(w)}: no ${probe} over HTTP`);
        continue;
      }
      const get = declared.httpGet;
      if (!get || !path) {
        problems.push(
          `${where(w)}: ${probe} is not an HTTP GET of one of the program's endpoints (${Object.values(expected).join(', ')})`,
        );
        continue;
      }
      if (get.path !== path)
        problems.push(`${where(w)}: ${probe} asks ${get.path ?? '/'}, the program answers it on ${path}`);
      const probePort = containerPort(w, get.port);
      if (probePort !== port)
        problems.push(
          `${where(w)}: ${probe} asks port ${String(get.port)} (${String(probePort)}), the program listens on HTTP_PORT ${String(port)}`,
        );
    }
    const { env } = containerEnv(objects, w, () => 'x');
    const shutdown = (program.schema.shape as Record<string, z.ZodType>).SHUTDOWN_TIMEOUT?.safeParse(
      env.SHUTDOWN_TIMEOUT,
    );
    const shutdownMs = shutdown?.success ? (shutdown.data as number) : 0;
    const pauseMs = (w.container.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
    const grace = (w.podSpec.terminationGracePeriodSeconds ?? 30) * 1000;
    const pause = pauseMs > 0 ? ` plus its preStop pause ${pauseMs / 1000}s` : '';
    if (grace <= pauseMs + shutdownMs)
      problems.push(
        `${where(w)}: terminationGracePeriodSeconds ${grace / 1000} is not longer than SHUTDOWN_TIMEOUT ${env.SHUTDOWN_TIMEOUT ?? `${shutdownMs / 1000}s`}${pause}`,
      );
  }
  return problems;
}

/** What reaches a serving program reaches the port it listens on: each Service and PodMonitor selects the pods of a
 * workload and names that port, and each NetworkPolicy that limits those pods' ingress lets it in. */
export function servingPolicy(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const serving = servers(objects);
  const selected = (selector: Parameters<typeof selects>[0]) => serving.filter((x) => selects(selector, x.w.podLabels));
  for (const o of objects.filter((x) => x.kind === 'Service')) {
    const spec = specOf<IServiceSpec>(o) ?? {};
    const pods = spec.selector ? selected({ matchLabels: spec.selector }) : [];
    if (pods.length === 0)
      problems.push(
        `Service/${o.metadata.name}: selects the pods of no serving workload (${JSON.stringify(spec.selector ?? {})})`,
      );
    for (const { w, port } of pods) {
      for (const p of spec.ports ?? []) {
        const target = containerPort(w, p.targetPort ?? p.port);
        if (target !== port)
          problems.push(
            `Service/${o.metadata.name} port ${p.name ?? p.port}: targetPort ${String(p.targetPort ?? p.port)} (${String(target)}) of ${where(w)}, which listens on HTTP_PORT ${String(port)}`,
          );
      }
    }
  }
  for (const o of objects.filter((x) => x.kind === 'PodMonitor')) {
    const spec = specOf<IPodMonitor['spec']>(o);
    const pods = spec ? selected(spec.selector) : [];
    if (pods.length === 0) problems.push(`PodMonitor/${o.metadata.name}: selects the pods of no serving workload`);
    for (const { w, port } of pods) {
      for (const e of spec?.podMetricsEndpoints ?? []) {
        const target = containerPort(w, e.port ?? e.portNumber);
        if (target !== port)
          problems.push(
            `PodMonitor/${o.metadata.name}: scrapes port ${String(e.port ?? e.portNumber)} (${String(target)}) of ${where(w)}, which listens on HTTP_PORT ${String(port)}`,
          );
        if ((e.path ?? '/metrics') !== '/metrics')
          problems.push(`PodMonitor/${o.metadata.name}: scrapes ${e.path}, the program answers /metrics`);
      }
    }
  }
  for (const o of objects.filter((x) => x.kind === 'NetworkPolicy')) {
    const spec = specOf<INetworkPolicySpec>(o);
    if (!spec || !(spec.policyTypes ?? ['Ingress']).includes('Ingress')) continue;
    for (const { w, port } of selected(spec.podSelector)) {
      const open = (spec.ingress ?? []).some(
        (r) => r.ports === undefined || r.ports.some((p) => p.port === undefined || containerPort(w, p.port) === port),
      );
      if (!open)
        problems.push(
          `NetworkPolicy/${o.metadata.name}: selects ${where(w)} and lets nothing in on its HTTP_PORT ${String(port)}`,
        );
    }
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
  const kafkaTopic = objects.find(
    (o) => o.kind === 'KafkaTopic' && (specOf<KafkaTopicSpec>(o)?.topicName ?? o.metadata.name) === topic,
  );
  if (!kafkaTopic) return [`no KafkaTopic declares ${topic}`];
  const partitions = specOf<KafkaTopicSpec>(kafkaTopic)?.partitions ?? 0;
  const scaled = objects.filter(
    (o) =>
      o.kind === 'ScaledObject' &&
      specOf<IScaledObject['spec']>(o)?.scaleTargetRef.name === archiver.object.metadata.name,
  );
  if (scaled.length !== 1)
    return [`expected one ScaledObject on ${archiver.object.metadata.name}, found ${scaled.length}`];
  const spec = specOf<IScaledObject['spec']>(scaled[0]!)!;
  const max = spec.maxReplicaCount ?? 100;
  const min = spec.minReplicaCount ?? 0;
  if (!(max <= partitions))
    problems.push(`ScaledObject maxReplicaCount ${max} exceeds the ${partitions} partitions of ${topic}`);
  if (!(min >= 1)) problems.push(`ScaledObject minReplicaCount ${min}: due timers need a live archiver at zero lag`);
  const replicas = specOf<IDeploymentSpec>(archiver.object)?.replicas ?? 1;
  if (replicas > partitions)
    problems.push(`Deployment replicas ${replicas} exceeds the ${partitions} partitions of ${topic}`);
  if (!spec.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleDown)
    problems.push('ScaledObject does not damp scale-down (advanced.horizontalPodAutoscalerConfig.behavior.scaleDown)');
  const triggers = spec.triggers.filter((t) => t.type === 'kafka');
  if (triggers.length === 0) problems.push('ScaledObject has no kafka trigger');
  const group = settings.ARCHIVER_GROUP_ID ?? 'ticket-archiver';
  for (const t of triggers) {
    const m = t.metadata;
    if (m.topic !== topic) problems.push(`kafka trigger topic ${m.topic} is not the archiver's ${topic}`);
    if (m.consumerGroup !== group)
      problems.push(`kafka trigger group ${m.consumerGroup} is not the archiver's ${group}`);
    if (m.bootstrapServers !== env.KAFKA_BROKERS)
      problems.push(
        `kafka trigger brokers ${m.bootstrapServers} are not the archiver's ${env.KAFKA_BROKERS ?? '(unset)'}`,
      );
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
    if (!w.container.resources?.requests?.cpu || !w.container.resources?.requests?.memory)
      problems.push(`${where(w)}: no CPU and memory requests`);
    if (w.podSpec.automountServiceAccountToken !== false) problems.push(`${where(w)}: mounts a service-account token`);
  }
  return problems;
}

/** No Secret is filled with values in the repository, and no variable carries a password inline. */
export function secretPolicy(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    if (o.kind === 'Secret')
      problems.push(
        `Secret/${o.metadata.name} is rendered with values; reference Secrets created outside the repository`,
      );
  }
  for (const w of workloads(objects)) {
    for (const e of w.container.env ?? []) {
      if (typeof e.value === 'string' && /:\/\/[^/@\s]*:[^/@\s]+@/.test(e.value))
        problems.push(`${where(w)}: ${e.name} carries a password inline`);
      if (typeof e.value === 'string' && /PASSWORD|SECRET|TOKEN/i.test(e.name))
        problems.push(`${where(w)}: ${e.name} is set inline, not from a Secret`);
    }
  }
  for (const o of objects.filter((x) => x.kind === 'ConfigMap')) {
    for (const [k, v] of Object.entries(o.data ?? {}))
      if (/:\/\/[^/@\s]*:[^/@\s]+@/.test(v) || /PASSWORD|SECRET|TOKEN/i.test(k))
        problems.push(`ConfigMap/${o.metadata.name}: ${k} looks like a secret`);
  }
  return problems;
}

/** The reconciler runs one pass at a time, never overlapping. */
export function reconcilerPolicy(objects: K8sObject[]): string[] {
  const jobs = objects.filter((o) => o.kind === 'CronJob');
  const problems: string[] = jobs.length === 1 ? [] : [`expected one CronJob, found ${jobs.length}`];
  for (const o of jobs) {
    const spec = specOf<ICronJobSpec>(o);
    if (spec?.concurrencyPolicy !== 'Forbid')
      problems.push(
        `CronJob/${o.metadata.name}: concurrencyPolicy ${spec?.concurrencyPolicy ?? 'Allow'}, passes may overlap`,
      );
    if (!((spec?.startingDeadlineSeconds ?? 0) > 0))
      problems.push(`CronJob/${o.metadata.name}: no startingDeadlineSeconds`);
    if (!((spec?.jobTemplate.spec?.activeDeadlineSeconds ?? 0) > 0))
      problems.push(`CronJob/${o.metadata.name}: no activeDeadlineSeconds`);
    const command = spec?.jobTemplate.spec?.template.spec?.containers[0]?.command ?? [];
    if (command.join(' ') !== 'ticket-archiver reconcile --once')
      problems.push(`CronJob/${o.metadata.name}: runs ${command.join(' ')}, not one reconcile pass`);
  }
  return problems;
}

export const policies = {
  settingsPolicy,
  probePolicy,
  servingPolicy,
  scalingPolicy,
  securityPolicy,
  secretPolicy,
  reconcilerPolicy,
};

export function allPolicies(objects: K8sObject[]): string[] {
  return Object.values(policies).flatMap((p) => p(objects));
}
