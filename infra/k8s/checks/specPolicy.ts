// The archive spec in the manifests: every container whose program reads ARCHIVE_SPEC is given the file it names, from
// a ConfigMap mounted read-only, and they all read the same spec, one that the program's own schema accepts. A
// container that left ARCHIVE_SPEC unset would run on the default spec, silently, whatever the operator supplied.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import { parse } from 'yaml';
import { archiveSpecSchema, specProblems, type ArchiveSpec } from '../../../services/core/spec/archiveSpec.ts';
import { programOf, readsSpec, standInSecret } from './programs.ts';
import type { K8sObject } from './render.ts';
import { containerEnv, where, workloads, type Workload } from './workloads.ts';

/** Where a container's spec file comes from: the ConfigMap key mounted at ARCHIVE_SPEC, or why there is none. */
export interface SpecSource {
  w: Workload;
  /** ARCHIVE_SPEC as the container gets it. */
  file?: string;
  configMap?: string;
  key?: string;
  /** The file's text, when the ConfigMap of the render holds the key. */
  text?: string;
  problems: string[];
}

/** The mount that holds `file`: one at the file itself (subPath) or at a directory above it. */
function mountOf(container: IContainer, file: string) {
  for (const m of container.volumeMounts ?? []) {
    const dir = m.mountPath.replace(/\/+$/, '');
    if (m.subPath !== undefined ? file === dir : file.startsWith(`${dir}/`))
      return { mount: m, rel: m.subPath ?? file.slice(dir.length + 1) };
  }
  return undefined;
}

/** The spec file each container that reads ARCHIVE_SPEC gets, followed through its mount to a ConfigMap key. */
export function specSources(objects: K8sObject[]): SpecSource[] {
  return workloads(objects)
    .filter((w) => readsSpec(programOf(w)))
    .map((w) => {
      const at = where(w);
      const file = containerEnv(objects, w, (r) => standInSecret(r.variable)).env.ARCHIVE_SPEC;
      if (file === undefined)
        return { w, problems: [`${at}: ARCHIVE_SPEC is not set: the program would run on the default spec`] };
      if (!file.startsWith('/')) return { w, file, problems: [`${at}: ARCHIVE_SPEC ${file} is not an absolute path`] };
      const found = mountOf(w.container, file);
      if (!found) return { w, file, problems: [`${at}: ARCHIVE_SPEC ${file} is under no volumeMount`] };
      const problems: string[] = [];
      if (found.mount.readOnly !== true)
        problems.push(`${at}: the spec's volumeMount ${found.mount.name} at ${found.mount.mountPath} is not readOnly`);
      const volume: IVolume | undefined = (w.podSpec.volumes ?? []).find((v) => v.name === found.mount.name);
      const configMap = volume?.configMap?.name;
      if (!configMap) {
        problems.push(`${at}: ARCHIVE_SPEC ${file} is on volume ${found.mount.name}, which is not a ConfigMap`);
        return { w, file, problems };
      }
      const items = volume.configMap?.items;
      const key = items ? items.find((i) => i.path === found.rel)?.key : found.rel;
      const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === configMap);
      const text = key === undefined ? undefined : map?.data?.[key];
      if (!map) problems.push(`${at}: ConfigMap ${configMap} of volume ${found.mount.name} is not among the objects`);
      else if (text === undefined)
        problems.push(
          `${at}: ARCHIVE_SPEC ${file} is no key of ConfigMap ${configMap} (keys: ${Object.keys(map.data ?? {}).join(', ')})`,
        );
      return { w, file, configMap, key, text, problems };
    });
}

/** A spec file's text read as the program reads it (runtime/archiveSpecFile.ts): YAML or JSON, then the schema. */
export function parseSpec(text: string): { spec?: ArchiveSpec; problems: string[] } {
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (err) {
    return { problems: [`not YAML or JSON: ${(err as Error).message}`] };
  }
  const spec = archiveSpecSchema.safeParse(parsed);
  return spec.success ? { spec: spec.data, problems: [] } : { problems: specProblems(spec.error) };
}

/** The one spec the render runs on (the archiver's), when every reader gets it and it is valid. */
export function renderedSpec(objects: K8sObject[]): ArchiveSpec | undefined {
  const sources = specSources(objects);
  const texts = new Set(sources.map((s) => s.text));
  const [text] = texts;
  return texts.size === 1 && text !== undefined ? parseSpec(text).spec : undefined;
}

/** Every container that reads ARCHIVE_SPEC gets the file from a read-only ConfigMap mount; all get the same text,
 * which the archive spec's schema accepts. */
export function specPolicy(objects: K8sObject[]): string[] {
  const sources = specSources(objects);
  if (sources.length === 0) return ['no container among the rendered objects reads ARCHIVE_SPEC'];
  const problems = sources.flatMap((s) => s.problems);
  const read = sources.filter((s) => s.text !== undefined);
  const distinct = new Set(read.map((s) => s.text));
  if (distinct.size > 1)
    problems.push(
      `the containers read different specs: ${read.map((s) => `${where(s.w)} ${s.configMap}/${s.key}`).join('; ')}`,
    );
  for (const text of distinct) {
    const s = read.find((x) => x.text === text)!;
    for (const p of parseSpec(text!).problems) problems.push(`ConfigMap ${s.configMap} key ${s.key}: ${p}`);
  }
  return problems;
}
