// The files made from an archive spec, for the base (generated.ts) and for an operator's overlay (specComponent.ts):
// the spec's copy, with a header naming its source, and the KafkaConnector that connectorFor makes of it on
// connectors/tickets-postgres.json (loadConnectorDefinition: the definition register-connector sends).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { ArchiveSpec } from '../../services/core/spec/archiveSpec.ts';
import { loadConnectorDefinition } from '../../services/edges/kafkaConnect/index.ts';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The spec the base ships, and the key of the ConfigMap ticket-archiver-spec (the file name ARCHIVE_SPEC ends in). */
export const defaultSpecSource = 'connectors/specs/default.yaml';
export const SPEC_KEY = 'archive-spec.yaml';

const HEADER = '# Generated from ';
export const header = (source: string) =>
  `${HEADER}${source} by infra/k8s/generated.ts (npm run k8s:generate): edit the source, not this file.\n`;

/** A spec file's text with the generated header in front (a header already there, from an earlier copy, replaced). */
export function specCopy(source: string, text: string): string {
  return header(source) + (text.startsWith(HEADER) ? text.slice(text.indexOf('\n') + 1) : text);
}

/** Strimzi takes the connector class and task count as spec fields; everything else is the config, unchanged.
 * autoRestart: Strimzi restarts a FAILED connector or task with back-off, which Debezium's task needs after a database
 * outage longer than its own restart back-off (DBZ-7872: it stays FAILED, alerting, until someone restarts it). */
export function kafkaConnectorYaml(specSource: string, spec: ArchiveSpec): string {
  const def = loadConnectorDefinition(spec);
  const { 'connector.class': className, 'tasks.max': tasksMax, ...config } = def.config;
  const connector = {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaConnector',
    metadata: { name: def.name, labels: { 'strimzi.io/cluster': 'tickets-connect' } },
    spec: { class: className, tasksMax: Number(tasksMax ?? '1'), autoRestart: { enabled: true }, config },
  };
  return header(`connectors/tickets-postgres.json for ${specSource}`) + stringify(connector, { lineWidth: 0 });
}
