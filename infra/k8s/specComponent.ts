// An operator's own archive spec as a Kustomize component for their overlay (`npm run k8s:generate -- --spec <file>
// --out <dir>`): the spec replaces the base's in the ConfigMap ticket-archiver-spec, the KafkaConnector is generated
// from it as the base's is, and every field of the base and the components that names the default spec's topic (or
// its dead-letter topic) is patched to the new spec's: the KafkaTopics, the ScaledObject's trigger, the KafkaUsers'
// ACLs. Each patch first tests the value it replaces, so a base that changed under the component fails the build
// instead of being patched in the wrong place. The policies check the result (connectorPolicy.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { deadLetterTopic } from '../../services/archiver/settings.ts';
import { loadConnectorDefinition, ticketsTopicOf } from '../../services/edges/kafkaConnect/index.ts';
import { loadArchiveSpec } from '../../services/runtime/archiveSpecFile.ts';
import { defaultSpecSource, kafkaConnectorYaml, root, SPEC_KEY, specCopy } from './specFiles.ts';

interface Op {
  op: 'test' | 'replace';
  path: string;
  value: string;
}

/** The manifests a component may patch: the base's and the components' resources (not their kustomizations). */
function sources(): string[] {
  const k8s = join(root, 'infra/k8s');
  const components = readdirSync(join(k8s, 'components')).map((c) => join(k8s, 'components', c));
  return [join(k8s, 'base'), ...components].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
      .map((f) => join(dir, f)),
  );
}

const pointer = (path: string[]) => path.map((p) => `/${p.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** The paths of every string leaf equal to a key of `renames`, as test-then-replace operations. */
function renameOps(node: unknown, renames: Map<string, string>, path: string[] = []): Op[] {
  if (typeof node === 'string') {
    const to = renames.get(node);
    return to === undefined
      ? []
      : [
          { op: 'test', path: pointer(path), value: node },
          { op: 'replace', path: pointer(path), value: to },
        ];
  }
  if (Array.isArray(node)) return node.flatMap((v, i) => renameOps(v, renames, [...path, String(i)]));
  if (node && typeof node === 'object')
    return Object.entries(node).flatMap(([k, v]) => renameOps(v, renames, [...path, k]));
  return [];
}

/** A JSON patch per object that names a renamed topic. */
function topicPatches(renames: Map<string, string>) {
  if (renames.size === 0) return [];
  return sources().flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8')).flatMap((doc) => {
      const o = doc.toJS() as { kind?: string; metadata?: { name?: string }; spec?: unknown } | null;
      const ops = o?.spec === undefined ? [] : renameOps(o.spec, renames, ['spec']);
      return o?.kind && o.metadata?.name && ops.length > 0
        ? [{ target: { kind: o.kind, name: o.metadata.name }, patch: stringify(ops, { lineWidth: 0 }) }]
        : [];
    }),
  );
}

/** The component's files for the spec in `specFile` (validated first: a bad spec is a ConfigError naming the field). */
export function specComponentFiles(specFile: string): Record<string, string> {
  const spec = loadArchiveSpec(specFile);
  const source = relative(root, specFile);
  const from = ticketsTopicOf(loadArchiveSpec(join(root, defaultSpecSource)));
  const to = ticketsTopicOf(spec);
  const dlq = (topic: string) => deadLetterTopic({ TICKETS_TOPIC: topic });
  const renames =
    from === to
      ? new Map<string, string>()
      : new Map([
          [from, to],
          [dlq(from), dlq(to)],
        ]);
  // A connector of another name (connector.name: one Connect cluster runs a connector per archived table) is another
  // object: the base's is deleted and this one added, since a patch can only change an object of the same name.
  const baseName = loadConnectorDefinition(loadArchiveSpec(join(root, defaultSpecSource))).name;
  const renamed = loadConnectorDefinition(spec).name !== baseName;
  const removeBase = { kind: 'KafkaConnector', metadata: { name: baseName }, $patch: 'delete' };
  const component = {
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    ...(renamed ? { resources: ['kafka-connector.yaml'] } : {}),
    configMapGenerator: [{ name: 'ticket-archiver-spec', behavior: 'replace', files: [SPEC_KEY] }],
    patches: [
      renamed
        ? { patch: stringify({ apiVersion: 'kafka.strimzi.io/v1beta2', ...removeBase }, { lineWidth: 0 }) }
        : { path: 'kafka-connector.yaml' },
      ...topicPatches(renames),
    ],
  };
  return {
    [SPEC_KEY]: specCopy(source, readFileSync(specFile, 'utf8')),
    'kafka-connector.yaml': kafkaConnectorYaml(source, spec),
    'kustomization.yaml': header(source, from, to) + stringify(component, { lineWidth: 0 }),
  };
}

function header(source: string, from: string, to: string): string {
  const topics = from === to ? `the topic stays ${to}` : `the topic ${from} becomes ${to}`;
  return [
    `# The archive spec ${source} for an overlay: list this directory under the overlay's components,`,
    `# after any component of this repository. Generated by npm run k8s:generate -- --spec ${source} --out <this`,
    `# directory>: run it again after changing the spec. The ConfigMap ticket-archiver-spec holds the spec, the`,
    `# KafkaConnector is generated from it, and ${topics} everywhere it is named.`,
    '',
  ].join('\n');
}
