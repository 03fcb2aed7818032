// The KafkaConnector and the topics speak the spec the containers read (specPolicy.ts): the connector captures the
// spec's table and columns through the publication migrate creates and takes signals from the product's table, as
// connectorFor (services/core/spec/connectorConfig.ts) makes them; the archiver and the reconciler read the topic the
// connector writes that table to, and every object that names that topic (KafkaTopic, in prod the KafkaUsers' ACLs)
// names the same one. A spec replaced without the rest would otherwise archive nothing, with every check green.
import { deadLetterTopic } from '../../../services/archiver/settings.ts';
import { connectorFor, eventsTopic, type ConnectorDefinition } from '../../../services/core/spec/connectorConfig.ts';
import type { ArchiveSpec } from '../../../services/core/spec/archiveSpec.ts';
import { PUBLICATION } from '../../../services/edges/hotStore/specObjects.ts';
import { ticketsTopicOf } from '../../../services/edges/kafkaConnect/index.ts';
import { programOf, standInSecret } from './programs.ts';
import { specOf, type K8sObject } from './render.ts';
import { renderedSpec } from './specPolicy.ts';
import { containerEnv, where, workloads } from './workloads.ts';

/** The parts of Strimzi's kinds these rules read (Strimzi publishes no TypeScript model). */
interface KafkaConnectorSpec {
  config?: Record<string, unknown>;
  autoRestart?: { enabled?: boolean };
}
interface Acl {
  resource?: { type?: string; name?: string; patternType?: string };
}

const tableOf = (spec: ArchiveSpec) => `${spec.table.schema}.${spec.table.name}`;

const connectorObject = (objects: K8sObject[]) => objects.find((x) => x.kind === 'KafkaConnector');

/** The rendered KafkaConnector as a connector definition (config values as Kafka Connect takes them: strings). */
export function renderedConnector(objects: K8sObject[]): ConnectorDefinition | undefined {
  const o = connectorObject(objects);
  return o && asDefinition(o);
}

function asDefinition(o: K8sObject): ConnectorDefinition {
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(specOf<KafkaConnectorSpec>(o)?.config ?? {}))
    config[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return { name: o.metadata.name, config };
}

/** The KafkaConnector captures the spec's table and columns, signals through the product's table, reads the
 * publication migrate creates, and is restarted by Strimzi when it fails. */
export function connectorPolicy(objects: K8sObject[]): string[] {
  const spec = renderedSpec(objects);
  if (!spec) return ['no one valid archive spec in the render (specPolicy): the KafkaConnector cannot be checked'];
  const connector = connectorObject(objects);
  if (!connector) return ['no KafkaConnector among the rendered objects'];
  const rendered = asDefinition(connector);
  const expected = connectorFor(spec, rendered).config;
  const at = `KafkaConnector/${rendered.name}`;
  const problems = ['table.include.list', 'column.include.list', 'signal.data.collection']
    .filter((k) => rendered.config[k] !== expected[k])
    .map(
      (k) =>
        `${at}: ${k} is ${JSON.stringify(rendered.config[k])}, the spec's table ${tableOf(spec)} needs ${JSON.stringify(expected[k])} (npm run k8s:generate)`,
    );
  if (specOf<KafkaConnectorSpec>(connector)?.autoRestart?.enabled !== true)
    problems.push(
      `${at}: autoRestart.enabled is not true: a Debezium task FAILED by a database outage longer than its restart back-off stays FAILED until restarted by hand (DBZ-7872)`,
    );
  if (rendered.config['publication.name'] !== PUBLICATION)
    problems.push(
      `${at}: publication.name is ${JSON.stringify(rendered.config['publication.name'])}, migrate creates ${PUBLICATION}`,
    );
  return problems;
}

const covers = (acl: Acl, topic: string) => {
  const r = acl.resource ?? {};
  if (r.type !== 'topic' || r.name === undefined) return false;
  return r.patternType === 'prefix' ? topic.startsWith(r.name) : r.name === topic || r.name === '*';
};

/** The archiver and the reconciler read the topic the KafkaConnector writes the spec's table to (TICKETS_TOPIC, else
 * the program's own default from the spec); a KafkaTopic declares it and the archiver's dead-letter topic; each
 * KafkaUser of a program that reads or writes them has an ACL on them. */
export function topicPolicy(objects: K8sObject[]): string[] {
  const spec = renderedSpec(objects);
  const rendered = renderedConnector(objects);
  if (!spec || !rendered) return ['no one valid archive spec or no KafkaConnector: the topics cannot be checked'];
  const topic = eventsTopic(spec, rendered);
  const problems: string[] = [];
  const declared = new Set(
    objects
      .filter((o) => o.kind === 'KafkaTopic')
      .map((o) => specOf<{ topicName?: string }>(o)?.topicName ?? o.metadata.name),
  );
  const needTopic = (name: string, what: string) => {
    if (!declared.has(name)) problems.push(`no KafkaTopic declares ${name}, ${what}`);
  };
  needTopic(topic, `the topic KafkaConnector/${rendered.name} writes ${tableOf(spec)} to`);
  const users = objects.filter((o) => o.kind === 'KafkaUser');
  const acls = (user: string) =>
    specOf<{ authorization?: { acls?: Acl[] } }>(users.find((u) => u.metadata.name === user)!)?.authorization?.acls ??
    [];
  const needAcl = (user: string | undefined, name: string, who: string) => {
    if (users.length === 0 || user === undefined) return;
    if (!users.some((u) => u.metadata.name === user))
      problems.push(`${who} signs in as ${user}, no KafkaUser of the render`);
    else if (!acls(user).some((a) => covers(a, name)))
      problems.push(`KafkaUser/${user} (${who}) has no ACL on topic ${name}`);
  };
  for (const w of workloads(objects)) {
    const shape = programOf(w)?.schema.shape ?? {};
    if (!('TICKETS_TOPIC' in shape)) continue;
    const { env } = containerEnv(objects, w, (r) => standInSecret(r.variable));
    const reads = env.TICKETS_TOPIC ?? ticketsTopicOf(spec);
    const origin = env.TICKETS_TOPIC === undefined ? ' (its default for the spec)' : ' (TICKETS_TOPIC)';
    if (reads !== topic)
      problems.push(
        `${where(w)}: reads topic ${reads}${origin}, KafkaConnector/${rendered.name} writes ${tableOf(spec)} to ${topic}`,
      );
    needAcl(env.KAFKA_SASL_USERNAME, reads, where(w));
    if ('DEAD_LETTER_TOPIC' in shape) {
      const dlq = deadLetterTopic({ DEAD_LETTER_TOPIC: env.DEAD_LETTER_TOPIC, TICKETS_TOPIC: reads });
      needTopic(dlq, `the dead-letter topic of ${where(w)}`);
      needAcl(env.KAFKA_SASL_USERNAME, dlq, where(w));
    }
  }
  const connect = objects.find((o) => o.kind === 'KafkaConnect');
  const connectUser = connect && specOf<{ authentication?: { username?: string } }>(connect)?.authentication?.username;
  needAcl(connectUser, topic, `KafkaConnect/${connect?.metadata.name}`);
  return problems;
}
