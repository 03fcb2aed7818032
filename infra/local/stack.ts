// The local stack: `up`, `down`, `status`, `env`, `wipe`. Used by `npm run stack:*`, the demo and the tests.
import { existsSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ensureDebeziumPlugin, ensureFerretDb, ensureKafkaJars } from './downloads.ts';
import { ComponentError, daemonPid } from './processes.ts';
import { loadOrCreateSecrets } from './secrets.ts';
import { stackSettings, type StackSettings } from './settings.ts';
import { loadVersions } from './versions.ts';
import { assertTlsModeKept, ensureStackTls, stackUsesTls } from './tls.ts';
import { postgresEndpoints, postgresRunning, startPostgres, stopPostgres } from './components/postgres.ts';
import {
  KAFKA_USERS,
  kafkaBrokers,
  kafkaClientSecurity,
  kafkaDaemon,
  kafkaHealthy,
  startKafka,
  stopKafka,
} from './components/kafka.ts';
import { connectDaemon, connectHealthy, connectUrl, startConnect, stopConnect } from './components/connect.ts';
import {
  coldBackendRunning,
  coldStoreDaemon,
  coldStoreHealthy,
  coldStoreKind,
  mongodbUrl,
  startColdStore,
  stopColdStore,
} from './components/coldStore.ts';
import { redact } from '../../services/edges/coldStore/connection.ts';
import { kafkaSecurity, type KafkaSecurity } from '../../services/core/kafkaSecurity.ts';
import { connectorStatus, loadConnectorDefinition, ticketsTopicOf } from '../../services/edges/kafkaConnect/index.ts';
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
  if (existsSync(s.dataDir) && stopPostgres(s, v)) log('postgres stopped');
}

interface ComponentStatus {
  component: string;
  running: boolean;
  healthy: boolean;
  where: string;
  detail?: string;
}

export async function stackStatus(): Promise<ComponentStatus[]> {
  const s = stackSettings();
  const v = loadVersions();
  const env = stackEnv(s);
  const pgUp = existsSync(s.dataDir) && postgresRunning(s, v);
  const rows: ComponentStatus[] = [
    { component: 'postgres', running: pgUp, healthy: pgUp, where: `127.0.0.1:${s.STACK_PG_PORT} db ${s.databaseName}` },
    ...(coldStoreKind() === 'ferretdb'
      ? [
          {
            component: `cold-store-postgres (${v.documentdb.postgresMajor} + DocumentDB)`,
            running: coldBackendRunning(s, v),
            healthy: coldBackendRunning(s, v),
            where: `127.0.0.1:${s.STACK_COLDSTORE_PG_PORT} db ferretdb`,
          },
        ]
      : []),
    {
      component: `cold-store (${coldStoreKind()})`,
      running: daemonPid(coldStoreDaemon(s)) !== undefined,
      healthy: await coldStoreHealthy(s, loadOrCreateSecrets(s.secretsFile)),
      where: redact(env.MONGODB_URL),
    },
    {
      component: 'kafka',
      running: daemonPid(kafkaDaemon(s)) !== undefined,
      healthy: await kafkaHealthy(s),
      where: env.KAFKA_BROKERS,
    },
    {
      component: 'kafka-connect',
      running: daemonPid(connectDaemon(s)) !== undefined,
      healthy: await connectHealthy(s),
      where: env.KAFKA_CONNECT_URL,
    },
  ];
  const connector = loadConnectorDefinition(demoSpec()).name;
  const status = await connectorStatus(env.KAFKA_CONNECT_URL, connector).catch(() => undefined);
  rows.push({
    component: `connector ${connector}`,
    running: status !== undefined,
    healthy: status?.connector.state === 'RUNNING' && (status.tasks[0]?.state ?? '') === 'RUNNING',
    where: env.TICKETS_TOPIC,
    detail: status
      ? `connector ${status.connector.state}, tasks ${status.tasks.map((t) => t.state).join(',') || 'none'}`
      : 'not registered',
  });
  return rows;
}

function printStatus(rows: ComponentStatus[]): void {
  for (const r of rows) {
    const state = r.healthy ? 'healthy' : r.running ? 'RUNNING BUT UNHEALTHY' : 'stopped';
    console.log(`${r.component.padEnd(38)} ${state.padEnd(22)} ${r.where}${r.detail ? `  (${r.detail})` : ''}`);
  }
}

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'up': {
      await stackUp();
      const s = stackSettings();
      printStatus(await stackStatus());
      console.log(`\ndata and logs: ${s.dir}\ndownloads cache: ${s.cache}\nconnection settings: npm run -s stack:env`);
      return 0;
    }
    case 'down':
      await stackDown();
      return 0;
    case 'status': {
      const rows = await stackStatus();
      printStatus(rows);
      return rows.every((r) => r.healthy) ? 0 : 3;
    }
    case 'env':
      for (const [k, v] of Object.entries(stackEnv())) console.log(`export ${k}='${v}'`);
      return 0;
    case 'wipe': {
      await stackDown();
      const s = stackSettings();
      rmSync(s.dir, { recursive: true, force: true });
      rmSync(s.storesDataDir, { recursive: true, force: true });
      stderrLog(
        `removed ${s.dir}${s.STACK_STORES_DATA_DIR ? ` and ${s.storesDataDir}` : ''} (downloads in ${s.cache} are kept)`,
      );
      return 0;
    }
    default:
      console.error('usage: stack.ts up|down|status|env|wipe');
      return 2;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv[2]).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof ComponentError)
        console.error(`stack: component ${err.component} failed to start\n${err.message}`);
      else console.error(`stack: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(1);
    },
  );
}
