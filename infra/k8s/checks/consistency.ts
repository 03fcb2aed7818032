// What must stay equal between the manifests and the files they come from: the KafkaConnector and the connector the
// local stack registers, the generated files and their generator, the versions Strimzi builds and the local stack's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Versions } from '../../local/versions.ts';
import type { ConnectorDefinition } from '../../../services/edges/kafkaConnect/index.ts';
import { generatedDir, generatedFiles } from '../generated.ts';
import { find, specOf, type K8sObject } from './render.ts';

/** The parts of Strimzi's KafkaConnector and KafkaConnect these checks read (Strimzi publishes no TypeScript model). */
interface KafkaConnectorSpec {
  class?: string;
  tasksMax?: number;
  config?: Record<string, unknown>;
}
interface KafkaConnectSpec {
  version?: string;
  build?: { plugins?: Array<{ artifacts?: Array<{ artifact?: string; version?: string }> }> };
}

/** The rendered KafkaConnector's class, task count and config, as the connector file's config would be. */
export function connectorDrift(objects: K8sObject[], def: ConnectorDefinition): string[] {
  const kc = specOf<KafkaConnectorSpec>(find(objects, 'KafkaConnector', def.name)) ?? {};
  const rendered: Record<string, string> = { 'connector.class': kc.class ?? '', 'tasks.max': String(kc.tasksMax) };
  for (const [k, v] of Object.entries(kc.config ?? {})) rendered[k] = typeof v === 'string' ? v : JSON.stringify(v);
  const keys = new Set([...Object.keys(rendered), ...Object.keys(def.config)]);
  return [...keys]
    .filter((k) => rendered[k] !== def.config[k])
    .map(
      (k) =>
        `${k}: KafkaConnector has ${JSON.stringify(rendered[k])}, connectors/ has ${JSON.stringify(def.config[k])}`,
    );
}

/** Each generated file equals what its generator makes of its source now. */
export const readGenerated = (name: string) => readFileSync(join(generatedDir, name), 'utf8');

export function generatedDrift(read: (name: string) => string = readGenerated): string[] {
  return Object.entries(generatedFiles())
    .filter(([name, text]) => read(name) !== text)
    .map(([name]) => `infra/k8s/base/generated/${name} is stale: run npm run k8s:generate`);
}

/** Strimzi builds the same Kafka and Debezium the local stack runs and the tests prove. */
export function versionDrift(objects: K8sObject[], v: Versions): string[] {
  const connect = specOf<KafkaConnectSpec>(find(objects, 'KafkaConnect')) ?? {};
  const problems: string[] = [];
  if (connect.version !== v.kafka.version)
    problems.push(`KafkaConnect version ${connect.version ?? '(unset)'}, versions.json pins Kafka ${v.kafka.version}`);
  const artifacts = (connect.build?.plugins ?? []).flatMap((p) => p.artifacts ?? []);
  const debezium = artifacts.find((a) => a.artifact === 'debezium-connector-postgres');
  if (!debezium) problems.push('KafkaConnect builds no debezium-connector-postgres');
  else if (debezium.version !== v.debezium.version)
    problems.push(
      `KafkaConnect builds Debezium ${debezium.version ?? '(unset)'}, versions.json pins ${v.debezium.version}`,
    );
  return problems;
}
