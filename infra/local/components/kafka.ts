// Apache Kafka in KRaft mode, one node acting as broker and controller, from Maven Central jars.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertPortFree, daemon, daemonPid, run, startDaemon, stopDaemon, waitUntil } from '../processes.ts';
import type { StackSettings } from '../settings.ts';
import { loadOrCreateSecrets, type StackSecrets } from '../secrets.ts';
import { stackTls, stackUsesTls } from '../tls.ts';
import type { KafkaSecurity } from '../../../services/core/kafkaSecurity.ts';
import { createKafka } from '../../../services/edges/kafka/client.ts';

const NAME = 'kafka';

export function kafkaDaemon(s: StackSettings) {
  return daemon(s.runDir, s.logDir, NAME);
}

export function kafkaBrokers(s: StackSettings): string {
  return `127.0.0.1:${s.STACK_KAFKA_PORT}`;
}

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
function listenerProperties(s: StackSettings, secrets: StackSecrets): string[] {
  if (!stackUsesTls(s)) {
    return [
      `listeners=PLAINTEXT://${kafkaBrokers(s)},${controllerListener(s)}`,
      `advertised.listeners=PLAINTEXT://${kafkaBrokers(s)}`,
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    ];
  }
  const t = stackTls(s, secrets.keystore);
  return [
    `listeners=SASL_SSL://${kafkaBrokers(s)},${controllerListener(s)}`,
    `advertised.listeners=SASL_SSL://${kafkaBrokers(s)}`,
    '# The controller listener stays on loopback in plaintext: only this node itself speaks to it.',
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

function controllerListener(s: StackSettings): string {
  return `CONTROLLER://127.0.0.1:${s.STACK_KAFKA_CONTROLLER_PORT}`;
}

function writeServerProperties(s: StackSettings, dataDir: string, secrets: StackSecrets): string {
  const file = join(s.confDir, 'kafka.properties');
  mkdirSync(s.confDir, { recursive: true });
  const controller = `127.0.0.1:${s.STACK_KAFKA_CONTROLLER_PORT}`;
  // Mode 0600: in TLS mode it holds the broker's password and the keystore's.
  writeFileSync(
    file,
    [
      '# Generated by infra/local/components/kafka.ts: a single KRaft node for the local stack.',
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@${controller}`,
      'controller.listener.names=CONTROLLER',
      ...listenerProperties(s, secrets),
      `log.dirs=${dataDir}`,
      '# Topics are created on purpose (Connect, the archiver), never by a typo in a client.',
      'auto.create.topics.enable=false',
      'num.partitions=6',
      'default.replication.factor=1',
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      '# Consumer groups start at once instead of waiting 3 s for more members.',
      'group.initial.rebalance.delay.ms=0',
      '# The ticket topics hold 20 KB bodies; allow large change events.',
      'message.max.bytes=10485760',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return file;
}

async function answersMetadata(s: StackSettings): Promise<boolean> {
  const admin = createKafka({
    clientId: 'stack-health',
    brokers: [kafkaBrokers(s)],
    quiet: true,
    retry: { retries: 0 },
    security: kafkaClientSecurity(s, 'broker'),
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function kafkaHealthy(s: StackSettings): Promise<boolean> {
  return answersMetadata(s).catch(() => false);
}

export async function startKafka(s: StackSettings, lib: string, log: (m: string) => void): Promise<string> {
  const d = kafkaDaemon(s);
  const dataDir = join(s.storesDataDir, 'kafka');
  if (daemonPid(d) === undefined) {
    await assertPortFree(NAME, s.STACK_KAFKA_PORT, 'STACK_KAFKA_PORT');
    await assertPortFree(NAME, s.STACK_KAFKA_CONTROLLER_PORT, 'STACK_KAFKA_CONTROLLER_PORT');
    const secrets = loadOrCreateSecrets(s.secretsFile);
    const props = writeServerProperties(s, dataDir, secrets);
    if (!existsSync(join(dataDir, 'meta.properties'))) {
      mkdirSync(dataDir, { recursive: true });
      // Attached with '=': a base64url id may start with '-', which the tool would take for an option.
      const clusterId = randomBytes(16).toString('base64url');
      log(`kafka: formatting KRaft storage in ${dataDir}`);
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
    log(`kafka: starting on ${kafkaBrokers(s)}`);
    startDaemon(d, 'java', [...javaArgs(s, lib, '768m'), 'kafka.Kafka', props]);
  }
  await waitUntil(NAME, () => answersMetadata(s), {
    timeoutMs: s.STACK_START_TIMEOUT * 1000,
    pid: () => daemonPid(d),
    logFile: d.logFile,
    what: 'answering metadata requests',
  });
  return kafkaBrokers(s);
}

export function stopKafka(s: StackSettings): Promise<boolean> {
  return stopDaemon(kafkaDaemon(s), 60_000);
}
