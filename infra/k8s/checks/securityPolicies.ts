// The security policies: every container runs locked down, and no secret value is in the repository.
import type { K8sObject } from './render.ts';
import { where, workloads } from './workloads.ts';

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
