// The two Kubernetes objects made from another file, so each has one source of truth: the KafkaConnector from the
// connector the local stack registers (connectors/tickets-postgres.json, for the default spec's table), the PrometheusRule from the plain rules file
// promtool checks (infra/monitoring/alerts.yml). `npm run k8s:generate` writes them; a test fails when they drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { loadConnectorDefinition } from '../../services/edges/kafkaConnect/index.ts';
import { loadArchiveSpec } from '../../services/runtime/archiveSpecFile.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const generatedDir = join(root, 'infra/k8s/base/generated');
const rulesFile = join(root, 'infra/monitoring/alerts.yml');

const header = (source: string) =>
  `# Generated from ${source} by infra/k8s/generated.ts (npm run k8s:generate): edit the source, not this file.\n`;

/** Strimzi takes the connector class and task count as spec fields; everything else is the config, unchanged. */
export function kafkaConnectorYaml(): string {
  const def = loadConnectorDefinition(loadArchiveSpec(undefined));
  const { 'connector.class': className, 'tasks.max': tasksMax, ...config } = def.config;
  const connector = {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaConnector',
    metadata: { name: def.name, labels: { 'strimzi.io/cluster': 'tickets-connect' } },
    spec: { class: className, tasksMax: Number(tasksMax ?? '1'), config },
  };
  return header('connectors/tickets-postgres.json') + stringify(connector, { lineWidth: 0 });
}

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
  'kafka-connector.yaml': kafkaConnectorYaml(),
  'prometheus-rule.yaml': prometheusRuleYaml(),
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, text] of Object.entries(generatedFiles())) {
    writeFileSync(join(generatedDir, name), text);
    console.log(`wrote infra/k8s/base/generated/${name}`);
  }
}
