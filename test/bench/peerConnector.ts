// The peer's sink connector: what a user assembles from parts instead of the archiver, the MongoDB Kafka sink
// connector with its Debezium PostgreSQL change-event handler, replicating the tickets topic into the cold store.
// Every property is listed with the reason it has its value (the report prints them).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MONGO_SINK_CLASS } from '../../infra/local/mongoSinkWorker.ts';
import { connectorStatus } from '../../services/edges/kafkaConnect/index.ts';

export const PEER_CONNECTOR = 'tickets-peer-mongo-sink';
export const PEER_DATABASE = 'ticket_archive';
export const PEER_COLLECTION = 'tickets_peer';

export interface PeerProperty {
  key: string;
  value: string;
  why: string;
}

/**
 * The store's URL without its user, and a file (mode 600, in the stack's conf directory) with the user and password
 * that the worker's file config provider hands to the credential provider (infra/local/mongoSink): FerretDB reports no
 * privileges, so the sink's permission check refuses any user named in connection.uri.
 */
export function peerCredentials(mongodbUrl: string, confDir: string): { uri: string; file: string } {
  const url = new URL(mongodbUrl);
  const file = join(confDir, 'peer-sink-credentials.properties');
  const user = decodeURIComponent(url.username);
  writeFileSync(file, `user=${user}\npassword=${decodeURIComponent(url.password)}\n`, { mode: 0o600 });
  url.username = '';
  url.password = '';
  return { uri: url.toString(), file };
}

/** The sink's configuration: every property set, with why. */
export function peerSinkProperties(o: {
  topic: string;
  partitions: number;
  uri: string;
  credentialsFile: string;
}): PeerProperty[] {
  const p = (key: string, value: string, why: string): PeerProperty => ({ key, value, why });
  const secret = (name: string) => `\${file:${o.credentialsFile}:${name}}`;
  return [
    p('connector.class', MONGO_SINK_CLASS, 'org.mongodb.kafka:mongo-kafka-connect 2.0.1 (the "all" jar)'),
    p('tasks.max', String(o.partitions), 'one task per partition of the topic: the most the topic can feed'),
    p('topics', o.topic, "the tickets connector's change events, as the archiver reads them"),
    p('connection.uri', o.uri, 'the same cold store (FerretDB 2) the archiver writes; no user in it (next three)'),
    p(
      'mongo.custom.auth.mechanism.enable',
      'true',
      "FerretDB answers connectionStatus with no privileges, so the sink's check refuses a user named in the URI (KAFKA-332, won't fix); a credential from a provider skips that check",
    ),
    p(
      'mongo.custom.auth.mechanism.providerClass',
      'ticketarchiver.peer.ConfiguredCredentialProvider',
      'infra/local/mongoSink: SCRAM (negotiated) as the user below, source admin',
    ),
    p('peer.credential.user', secret('user'), "the cold store's user, through the worker's file config provider"),
    p('peer.credential.password', secret('password'), 'its password, likewise (never in the REST config)'),
    p('database', PEER_DATABASE, "the archiver's database"),
    p(
      'collection',
      PEER_COLLECTION,
      "a collection of its own, beside the archiver's, with the same list indexes on its top-level columns",
    ),
    p(
      'change.data.capture.handler',
      'com.mongodb.kafka.connect.sink.cdc.debezium.rdbms.postgres.PostgresHandler',
      "Debezium's PostgreSQL events: c/r/u upsert the row's after image by key, d deletes; the _id is the event key's document ({id: <ticket id>})",
    ),
    p('key.converter', 'org.apache.kafka.connect.json.JsonConverter', 'the topic holds JSON keys'),
    p('key.converter.schemas.enable', 'false', 'written without schemas (connectors/tickets-postgres.json)'),
    p('value.converter', 'org.apache.kafka.connect.json.JsonConverter', 'the topic holds JSON values'),
    p('value.converter.schemas.enable', 'false', 'written without schemas; the handler reads the schemaless map'),
    p('max.batch.size', '0', "the default: each poll's records go to the store in one bulk write"),
    p('bulk.write.ordered', 'true', "the default: a ticket's events are applied in the topic's order"),
    p('consumer.override.max.poll.records', '500', "Connect's consumer default, stated: at most 500 writes per bulk"),
    p(
      'errors.tolerance',
      'none',
      'the default: the first record it cannot write fails the task (visible, not skipped)',
    ),
  ];
}

export function peerSinkConfig(props: PeerProperty[]): Record<string, string> {
  return Object.fromEntries(props.map((x) => [x.key, x.value]));
}

/** The sink's failed parts with the first lines of their traces, and whether every task runs. */
export async function peerHealth(connectUrl: string): Promise<{ running: boolean; errors: string[] }> {
  const status = await connectorStatus(connectUrl, PEER_CONNECTOR);
  if (!status) return { running: false, errors: [] };
  const parts = [
    { part: 'connector', ...status.connector },
    ...status.tasks.map((t) => ({ part: `task ${t.id}`, ...t })),
  ];
  const errors = parts.filter((x) => x.state === 'FAILED').map((x) => `${x.part}: ${cause(x.trace ?? 'no trace')}`);
  return { running: status.tasks.length > 0 && parts.every((x) => x.state === 'RUNNING'), errors };
}

/** A Java trace's first line and its root cause (the last "Caused by:"). */
function cause(trace: string): string {
  const lines = trace.split('\n');
  const root = lines.filter((l) => l.startsWith('Caused by: ')).pop();
  return root ? `${lines[0] ?? ''} / ${root.slice('Caused by: '.length)}` : (lines[0] ?? '');
}
