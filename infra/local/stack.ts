// The local stack: start (`stackUp`), stop (`stackDown`) and its connection settings (`stackEnv`). Used by the command
// line (stackCli.ts), the demo and the tests.
import { existsSync } from 'node:fs';
import { ensureDebeziumPlugin, ensureFerretDb, ensureKafkaJars } from './downloads.ts';
import { loadOrCreateSecrets } from './secrets.ts';
import { stackSettings, type StackSettings } from './settings.ts';
import { loadVersions } from './versions.ts';
import { assertTlsModeKept, ensureStackTls, stackUsesTls } from './tls.ts';
import { postgresEndpoints, startPostgres, stopPostgres } from './components/postgres.ts';
import { startHotReplica, stopHotReplica } from './components/hotReplica.ts';
import { KAFKA_USERS, kafkaClientSecurity, startKafka, stopKafka } from './components/kafka.ts';
import { kafkaBrokers } from './components/kafkaNodes.ts';
import { connectUrl, startConnect, stopConnect } from './components/connect.ts';
import { mongodbUrl, startColdStore, stopColdStore } from './components/coldStore.ts';
import { kafkaSecurity, type KafkaSecurity } from '../../services/core/kafkaSecurity.ts';
import { ticketsTopicOf } from '../../services/edges/kafkaConnect/index.ts';
import { demoSpec } from './demo/businessSchema.ts';

/** Connection settings of the running stack, named as the services read them. */
export interface StackEnv {
  /** The movers' role (archiver, reconciler, backfill, operators' commands). */
  DATABASE_URL: string;
  /** The schema owner's, for migrations; the tests and the demo write tickets as it, standing in for business code. */
  MIGRATIONS_DATABASE_URL: string;
  /** restore's role. */
  RESTORE_DATABASE_URL: string;
  /** The read API's role (SELECT only). */
  READ_DATABASE_URL: string;
  KAFKA_BROKERS: string;
  KAFKA_CONNECT_URL: string;
  MONGODB_URL: string;
  TICKETS_TOPIC: string;
  /** Superuser URL, for tests and the demo only (e.g. to inject faults); never used by the services. */
  STACK_PG_SUPERUSER_URL: string;
  /** A TLS stack's (STACK_TLS=true): SASL_SSL with SCRAM-SHA-512 as the services' user, trusting the stack's CA. */
  KAFKA_SECURITY_PROTOCOL?: 'SASL_SSL';
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SASL_MECHANISM?: 'SCRAM-SHA-512';
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}

export function stackEnv(s: StackSettings = stackSettings()): StackEnv {
  const secrets = loadOrCreateSecrets(s.secretsFile);
  const pgUrls = postgresEndpoints(s, secrets);
  return {
    DATABASE_URL: pgUrls.databaseUrl,
    MIGRATIONS_DATABASE_URL: pgUrls.migrationsUrl,
    RESTORE_DATABASE_URL: pgUrls.restoreUrl,
    READ_DATABASE_URL: pgUrls.readerUrl,
    KAFKA_BROKERS: kafkaBrokers(s),
    KAFKA_CONNECT_URL: connectUrl(s),
    MONGODB_URL: mongodbUrl(s, secrets),
    TICKETS_TOPIC: ticketsTopicOf(demoSpec()),
    STACK_PG_SUPERUSER_URL: pgUrls.superuserUrl,
    ...kafkaSecurityEnv(s, secrets),
  };
}

function kafkaSecurityEnv(s: StackSettings, secrets: ReturnType<typeof loadOrCreateSecrets>): Partial<StackEnv> {
  const security = kafkaClientSecurity(s, 'services', secrets);
  if (!security.sasl) return {};
  return {
    KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
    ...(security.tls?.caFile ? { KAFKA_SSL_CA_FILE: security.tls.caFile } : {}),
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: KAFKA_USERS.services,
    KAFKA_SASL_PASSWORD: security.sasl.password,
  };
}

/** How a client given the stack's settings reaches Kafka (TLS and SCRAM on a TLS stack), as the services read them. */
export function stackKafkaSecurity(env: StackEnv): KafkaSecurity {
  return kafkaSecurity({
    KAFKA_SECURITY_PROTOCOL: env.KAFKA_SECURITY_PROTOCOL ?? 'PLAINTEXT',
    KAFKA_SSL_CA_FILE: env.KAFKA_SSL_CA_FILE,
    KAFKA_SASL_MECHANISM: env.KAFKA_SASL_MECHANISM ?? 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: env.KAFKA_SASL_USERNAME,
    KAFKA_SASL_PASSWORD: env.KAFKA_SASL_PASSWORD,
  });
}

const stderrLog = (m: string) => process.stderr.write(`[stack] ${m}\n`);

/** Starts every component that is not running and waits until all are healthy. Safe to repeat. */
export async function stackUp(
  log: (m: string) => void = stderrLog,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StackEnv> {
  const s = stackSettings(env);
  const v = loadVersions();
  assertTlsModeKept(s);
  const secrets = loadOrCreateSecrets(s.secretsFile);
  const started = Date.now();
  if (stackUsesTls(s)) ensureStackTls(s, secrets.keystore, log);
  // Downloads first (cached after the first run), so a missing tool fails before anything starts.
  const lib = ensureKafkaJars(s, v, log);
  const pluginPath = ensureDebeziumPlugin(s, v, log);
  await startPostgres(s, v, secrets, log);
  if (s.STACK_PG_REPLICA) await startHotReplica(s, v, secrets, log);
  await startColdStore(s, v, secrets, () => ensureFerretDb(s, v, log), log);
  await startKafka(s, lib, log);
  await startConnect(s, lib, pluginPath, secrets, log);
  log(`all components healthy after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return stackEnv(s);
}

/** Stops everything, newest first; data stays. */
export async function stackDown(
  log: (m: string) => void = stderrLog,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const s = stackSettings(env);
  const v = loadVersions();
  if (await stopConnect(s)) log('kafka-connect stopped');
  if (await stopKafka(s)) log('kafka stopped');
  if (await stopColdStore(s, v)) log('cold-store stopped');
  // Also a replica a test started without STACK_PG_REPLICA.
  if (existsSync(s.dataDir) && stopHotReplica(s, v)) log('postgres-replica stopped');
  if (existsSync(s.dataDir) && stopPostgres(s, v)) log('postgres stopped');
}
