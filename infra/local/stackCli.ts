// `npm run stack:up|down|status|env|wipe`: the local stack's command line, and what `status` reports of each component.
import { existsSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ComponentError, daemonPid } from './processes.ts';
import { loadOrCreateSecrets } from './secrets.ts';
import { stackSettings } from './settings.ts';
import { loadVersions } from './versions.ts';
import { stackDown, stackEnv, stackUp } from './stack.ts';
import { postgresRunning } from './components/postgres.ts';
import { hotReplicaRunning } from './components/hotReplica.ts';
import { kafkaHealthy, kafkaRunning } from './components/kafka.ts';
import { connectHealthy, connectRunning } from './components/connect.ts';
import { coldBackendRunning, coldStoreDaemon, coldStoreHealthy, coldStoreKind } from './components/coldStore.ts';
import { redact } from '../../services/edges/coldStore/connection.ts';
import { connectorStatus, loadConnectorDefinition } from '../../services/edges/kafkaConnect/index.ts';
import { demoSpec } from './demo/businessSchema.ts';

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
    ...(s.STACK_PG_REPLICA
      ? [
          {
            component: 'postgres-replica',
            running: hotReplicaRunning(s, v),
            healthy: hotReplicaRunning(s, v),
            where: `127.0.0.1:${s.STACK_PG_REPLICA_PORT} (streaming replica)`,
          },
        ]
      : []),
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
      component: s.STACK_KAFKA_NODES > 1 ? `kafka (${s.STACK_KAFKA_NODES} nodes)` : 'kafka',
      running: kafkaRunning(s),
      healthy: await kafkaHealthy(s),
      where: env.KAFKA_BROKERS,
    },
    {
      component: s.STACK_CONNECT_WORKERS > 1 ? `kafka-connect (${s.STACK_CONNECT_WORKERS} workers)` : 'kafka-connect',
      running: connectRunning(s),
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
      process.stderr.write(
        `[stack] removed ${s.dir}${s.STACK_STORES_DATA_DIR ? ` and ${s.storesDataDir}` : ''} (downloads in ${s.cache} are kept)\n`,
      );
      return 0;
    }
    default:
      console.error('usage: stackCli.ts up|down|status|env|wipe');
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
