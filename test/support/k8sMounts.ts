// A container's ConfigMap volumes as Kubernetes projects them, for running its program outside a cluster: each
// mounted ConfigMap's keys (or its items' paths) written as files under a local directory, and the container's
// settings that name a file under such a mount made to name the written file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { K8sObject } from '../../infra/k8s/checks/render.ts';
import type { Workload } from '../../infra/k8s/checks/workloads.ts';

/** Writes the container's ConfigMap mounts under `root`; returns the mount paths, each with its local directory. */
export function projectConfigMaps(objects: K8sObject[], w: Workload, root: string): Array<[string, string]> {
  const mounts: Array<[string, string]> = [];
  for (const m of w.container.volumeMounts ?? []) {
    const source = (w.podSpec.volumes ?? []).find((v) => v.name === m.name)?.configMap;
    if (!source) continue;
    const data = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === source.name)?.data ?? {};
    const files = source.items ? source.items.map((i) => [i.path, data[i.key]] as const) : Object.entries(data);
    const local = join(root, m.mountPath);
    for (const [path, text] of files) {
      if (text === undefined || (m.subPath !== undefined && path !== m.subPath)) continue;
      const file = m.subPath !== undefined ? local : join(local, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    mounts.push([m.mountPath.replace(/\/+$/, ''), local]);
  }
  return mounts;
}

/** The environment with each value that names a file under a projected mount naming the local file instead. */
export function withLocalMounts(env: Record<string, string>, mounts: Array<[string, string]>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => {
      const mount = mounts.find(([path]) => v === path || v.startsWith(`${path}/`));
      return [k, mount ? mount[1] + v.slice(mount[0].length) : v];
    }),
  );
}
