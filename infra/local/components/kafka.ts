// Apache Kafka in KRaft mode from Maven Central jars: one node acting as broker and controller, or a cluster of them
// (STACK_KAFKA_NODES, kafkaNodes.ts).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertPortFree, daemonPid, run, startDaemon, stopDaemon, waitUntil } from '../processes.ts';
import type { StackSettings } from '../settings.ts';
import { loadOrCreateSecrets, type StackSecrets } from '../secrets.ts';
import { stackTls, stackUsesTls } from '../tls.ts';
import type { KafkaSecurity } from '../../../services/core/kafkaSecurity.ts';
import { createKafka } from '../../../services/edges/kafka/client.ts';
import { kafkaBrokers, kafkaClusterId, kafkaNodes, kafkaReplication, type KafkaNode } from './kafkaNodes.ts';

const NAME = 'kafka';

/** The SCRAM users of a TLS stack: the broker (between its own listeners, and the stack's set-up), Kafka Connect, and
 * the services. No authorizer: authenticated users may do anything, as a local stack needs no ACLs. */
export const KAFKA_USERS = { broker: 'admin', connect: 'connect', services: 'ticket-archiver' } as const;

function kafkaPassword(secrets: StackSecrets, user: keyof typeof KAFKA_USERS): string {
  return { broker: secrets.kafkaBroker, connect: secrets.kafkaConnect, services: secrets.kafkaArchiver }[user];
}

/** How a client of the stack reaches Kafka as `user`: plaintext, or in TLS mode SASL_SSL with SCRAM-SHA-512. */
export function kafkaClientSecurity(
  s: StackSettings,
  user: keyof typeof KAFKA_USERS,
  secrets = loadOrCreateSecrets(s.secretsFile),
): KafkaSecurity {
  if (!stackUsesTls(s)) return {};
  return {
    tls: { caFile: stackTls(s, secrets.keystore).caFile },
    sasl: { mechanism: 'scram-sha-512', username: KAFKA_USERS[user], password: kafkaPassword(secrets, user) },
  };
}

/** Java client properties (Kafka's own names) for a client of a TLS stack, each prefixed (Connect's producer., ...). */
export function javaClientSecurity(
  s: StackSettings,
  user: keyof typeof KAFKA_USERS,
  secrets: StackSecrets,
  prefixes: string[] = [''],
): string[] {
  if (!stackUsesTls(s)) return [];
  const props = [
    'security.protocol=SASL_SSL',
    'sasl.mechanism=SCRAM-SHA-512',
    `sasl.jaas.config=${scramLogin(KAFKA_USERS[user], kafkaPassword(secrets, user))}`,
    // Kafka reads a PEM CA file as a truststore; clients check the broker's name (ssl.endpoint.identification.algorithm's default, https).
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${stackTls(s, secrets.keystore).caFile}`,
  ];
  return prefixes.flatMap((p) => props.map((line) => `${p}${line}`));
}

function scramLogin(username: string, password: string): string {
  return `org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`;
}

/** log4j 1 configuration shared by the broker and Connect: everything to stdout, which the stack sends to a log file. */
export function writeLog4j(s: StackSettings): string {
  const file = join(s.confDir, 'log4j.properties');
  mkdirSync(s.confDir, { recursive: true });
  writeFileSync(
    file,
    [
      'log4j.rootLogger=INFO, stdout',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.org.apache.kafka.clients=WARN',
      'log4j.logger.org.reflections=ERROR',
      'log4j.logger.kafka.request.logger=WARN',
      '',
    ].join('\n'),
  );
  return file;
}

export function javaArgs(s: StackSettings, lib: string, heap: string): string[] {
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${writeLog4j(s)}`,
    '-cp',
    `${lib}/*`,
  ];
}

/** The client listener: PLAINTEXT, or in TLS mode SASL_SSL only (a plaintext client is refused). */
function listenerProperties(s: StackSettings, node: KafkaNode, secrets: StackSecrets): string[] {
  const client = `127.0.0.1:${node.clientPort}`;
  const controller = `CONTROLLER://127.0.0.1:${node.controllerPort}`;
  if (!stackUsesTls(s)) {
    return [
      `listeners=PLAINTEXT://${client},${controller}`,
      `advertised.listeners=PLAINTEXT://${client}`,
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    ];
  }
  const t = stackTls(s, secrets.keystore);
  return [
    `listeners=SASL_SSL://${client},${controller}`,
    `advertised.listeners=SASL_SSL://${client}`,
    "# The controller listeners stay on loopback in plaintext: only the stack's own nodes speak to them.",
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
    'inter.broker.listener.name=SASL_SSL',
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${scramLogin(KAFKA_USERS.broker, secrets.kafkaBroker)}`,
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.location=${t.keystoreFile}`,
    `ssl.keystore.password=${t.keystorePassword}`,
    '# The broker is its own client between listeners: it trusts the stack CA.',
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${t.caFile}`,
  ];
}

function writeServerProperties(s: StackSettings, node: KafkaNode, secrets: StackSecrets): string {
  mkdirSync(s.confDir, { recursive: true });
  const voters = kafkaNodes(s).map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`);
  const { factor, minInsync } = kafkaReplication(s);
  // Mode 0600: in TLS mode it holds the broker's password and the keystore's.
  writeFileSync(
    node.propertiesFile,
    [
      `# Generated by infra/local/components/kafka.ts: KRaft node ${node.id} of ${voters.length} for the local stack.`,
      'process.roles=broker,controller',
      `node.id=${node.id}`,
      `controller.quorum.voters=${voters.join(',')}`,
      'controller.listener.names=CONTROLLER',
      ...listenerProperties(s, node, secrets),
      `log.dirs=${node.dataDir}`,
      '# Topics are created on purpose (Connect, the archiver), never by a typo in a client.',
      'auto.create.topics.enable=false',
      'num.partitions=6',
      "# Every topic (ours are created with the brokers' defaults) and the internal ones alike; with acks=all (our",
      "# producers', Connect's) a write needs min.insync.replicas copies.",
      `default.replication.factor=${factor}`,
      `min.insync.replicas=${minInsync}`,
      `offsets.topic.replication.factor=${factor}`,
      `transaction.state.log.replication.factor=${factor}`,
      `transaction.state.log.min.isr=${minInsync}`,
      '# Consumer groups start at once instead of waiting 3 s for more members.',
      'group.initial.rebalance.delay.ms=0',
      '# The ticket topics hold 20 KB bodies; allow large change events.',
      'message.max.bytes=10485760',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return node.propertiesFile;
}

/** Whether the cluster answers metadata requests with every node of the stack registered as a broker. */
async function answersMetadata(s: StackSettings, via = kafkaBrokers(s)): Promise<boolean> {
  const admin = createKafka({
    clientId: 'stack-health',
    brokers: via.split(','),
    quiet: true,
    retry: { retries: 0 },
    security: kafkaClientSecurity(s, 'broker'),
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length === s.STACK_KAFKA_NODES;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function kafkaHealthy(s: StackSettings): Promise<boolean> {
  return answersMetadata(s).catch(() => false);
}

export async function startKafka(s: StackSettings, lib: string, log: (m: string) => void): Promise<string> {
  const secrets = loadOrCreateSecrets(s.secretsFile);
  const nodes = kafkaNodes(s);
  // Attached with '=' below: a base64url id may start with '-', which the tool would take for an option.
  const clusterId = kafkaClusterId(s, () => randomBytes(16).toString('base64url'));
  for (const node of nodes.filter((n) => daemonPid(n.daemon) === undefined)) {
    const portName = (variable: string) => (node.id === 1 ? variable : `${variable} (+${2 * (node.id - 1)})`);
    await assertPortFree(node.daemon.name, node.clientPort, portName('STACK_KAFKA_PORT'));
    await assertPortFree(node.daemon.name, node.controllerPort, portName('STACK_KAFKA_CONTROLLER_PORT'));
    const props = writeServerProperties(s, node, secrets);
    if (!existsSync(join(node.dataDir, 'meta.properties'))) {
      mkdirSync(node.dataDir, { recursive: true });
      log(`${node.daemon.name}: formatting KRaft storage in ${node.dataDir}`);
      // A TLS stack's SCRAM users are part of the cluster's first metadata: the broker needs its own before it can start.
      const users = stackUsesTls(s)
        ? (Object.keys(KAFKA_USERS) as Array<keyof typeof KAFKA_USERS>).flatMap((u) => [
            '--add-scram',
            `SCRAM-SHA-512=[name=${KAFKA_USERS[u]},password=${kafkaPassword(secrets, u)}]`,
          ])
        : [];
      run(NAME, 'java', [
        ...javaArgs(s, lib, '256m'),
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId}`,
        '-c',
        props,
        ...users,
      ]);
    }
    log(`${node.daemon.name}: starting on 127.0.0.1:${node.clientPort}`);
    startDaemon(node.daemon, 'java', [...javaArgs(s, lib, '768m'), 'kafka.Kafka', props]);
  }
  // Each node in turn: its own listener answers, and every node is registered.
  for (const node of nodes) {
    await waitUntil(node.daemon.name, () => answersMetadata(s, `127.0.0.1:${node.clientPort}`), {
      timeoutMs: s.STACK_START_TIMEOUT * 1000,
      pid: () => daemonPid(node.daemon),
      logFile: node.daemon.logFile,
      what: `answering metadata requests with all ${nodes.length} broker(s) registered`,
    });
  }
  return kafkaBrokers(s);
}

/** Stops every node; true when any was running. */
export async function stopKafka(s: StackSettings): Promise<boolean> {
  const stopped = await Promise.all(kafkaNodes(s).map((n) => stopDaemon(n.daemon, 60_000)));
  return stopped.some(Boolean);
}

export function kafkaRunning(s: StackSettings): boolean {
  return kafkaNodes(s).every((n) => daemonPid(n.daemon) !== undefined);
}
