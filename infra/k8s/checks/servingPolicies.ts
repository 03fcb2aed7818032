// The serving policies: what asks a serving program (probes, Services, PodMonitors, NetworkPolicies) reaches the
// endpoints and the port it really answers on, and the pod outlives the program's shutdown.
import type { z } from 'zod';
import type { IPodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import type { INetworkPolicySpec } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicySpec';
import type { IServiceSpec } from 'kubernetes-models/v1/ServiceSpec';
import { programOf, type Program } from './programs.ts';
import { selects, specOf, type K8sObject } from './render.ts';
import { containerEnv, where, workloads, type Workload } from './workloads.ts';

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
