// The Kubernetes objects made from another file, so each has one source of truth: the archive spec the base ships (a
// copy of connectors/specs/default.yaml, inside the base because kustomize reads no file outside it), the
// KafkaConnector generated from that spec (specFiles.ts), and the PrometheusRule from the plain rules file promtool
// checks (infra/monitoring/alerts.yml). `npm run k8s:generate` writes them; a test fails when they drift.
// `npm run k8s:generate -- --spec <file> --out <dir>` writes the component that puts an operator's own spec in an
// overlay instead (specComponent.ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import { loadArchiveSpec } from '../../services/runtime/archiveSpecFile.ts';
import { specComponentFiles } from './specComponent.ts';
import { defaultSpecSource, header, kafkaConnectorYaml, root, SPEC_KEY, specCopy } from './specFiles.ts';

export const generatedDir = join(root, 'infra/k8s/base/generated');
const rulesFile = join(root, 'infra/monitoring/alerts.yml');

export function prometheusRuleYaml(): string {
  const rules = parse(readFileSync(rulesFile, 'utf8')) as { groups: unknown[] };
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'ticket-archiver', labels: { 'app.kubernetes.io/name': 'ticket-archiver' } },
    spec: { groups: rules.groups },
  };
  return header('infra/monitoring/alerts.yml') + stringify(rule, { lineWidth: 0 });
}

export const generatedFiles = (): Record<string, string> => ({
  [SPEC_KEY]: specCopy(defaultSpecSource, readFileSync(join(root, defaultSpecSource), 'utf8')),
  'kafka-connector.yaml': kafkaConnectorYaml(defaultSpecSource, loadArchiveSpec(join(root, defaultSpecSource))),
  'prometheus-rule.yaml': prometheusRuleYaml(),
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { spec: { type: 'string' }, out: { type: 'string' } } });
  if ((values.spec === undefined) !== (values.out === undefined)) {
    console.error('usage: npm run k8s:generate [-- --spec <archive spec file> --out <component directory>]');
    process.exit(2);
  }
  const [dir, files] =
    values.spec && values.out
      ? [resolve(values.out), specComponentFiles(resolve(values.spec))]
      : [generatedDir, generatedFiles()];
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    console.log(`wrote ${relative(process.cwd(), join(dir, name))}`);
  }
}
