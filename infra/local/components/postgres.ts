// The hot database: PostgreSQL 15 with logical decoding on, the tickets schema, and a role per job: ticket_archiver
// owns the schema (migrations; tests and the demo also write tickets as it, standing in for business code), the
// movers and restore have their own (their privileges: infra/postgres/migrations/grants.sql), Debezium replicates.
import type { StackSettings } from '../settings.ts';
import type { StackSecrets } from '../secrets.ts';
import type { Versions } from '../versions.ts';
import { migrate } from '../../../services/edges/hotStore/migrations.ts';
import { applyDemoSchema, demoSpec } from '../demo/businessSchema.ts';
import { stackTls, stackUsesTls } from '../tls.ts';
import {
  asSuperuser,
  clusterRunning,
  startCluster,
  stopCluster,
  superuserUrl,
  verifyFullQuery,
  type ClusterSpec,
} from './pgCluster.ts';

export interface PostgresEndpoints {
  /** The movers' role: archiver, reconciler, backfill and the operators' commands. */
  databaseUrl: string;
  /** The schema owner's: migrations. */
  migrationsUrl: string;
  /** restore's. */
  restoreUrl: string;
  /** The read API's (SELECT only). */
  readerUrl: string;
  superuserUrl: string;
}

export function hotClusterSpec(s: StackSettings, secrets: StackSecrets): ClusterSpec {
  const tls = stackUsesTls(s) ? stackTls(s, secrets.keystore) : undefined;
  return {
    ...(tls ? { tls: { certFile: tls.certFile, keyFile: tls.keyFile, caFile: tls.caFile } } : {}),
    name: 'postgres',
    port: s.STACK_PG_PORT,
    portVariable: 'STACK_PG_PORT',
    dirName: 'postgres',
    superuserPassword: secrets.postgresSuperuser,
    settings: [
      'wal_level = logical              # Debezium reads the change log through logical decoding',
      'max_replication_slots = 10',
      'max_wal_senders = 10',
      "max_slot_wal_keep_size = '4GB'   # a stalled connector cannot fill the disk with retained WAL",
      'shared_buffers = 256MB',
      'log_lock_waits = on',
      "shared_preload_libraries = 'pg_stat_statements'  # WAL by role and statement: what a move costs (benchmark)",
    ],
  };
}

export function postgresEndpoints(s: StackSettings, secrets: StackSecrets): PostgresEndpoints {
  const spec = hotClusterSpec(s, secrets);
  const query = spec.tls ? verifyFullQuery(spec.tls.caFile) : '';
  const url = (role: string, password: string) =>
    `postgres://${role}:${password}@127.0.0.1:${s.STACK_PG_PORT}/${s.databaseName}${query}`;
  return {
    databaseUrl: url('ticket_archiver_mover', secrets.mover),
    migrationsUrl: url('ticket_archiver', secrets.archiver),
    restoreUrl: url('ticket_archiver_restorer', secrets.restorer),
    readerUrl: url('ticket_archiver_reader', secrets.reader),
    superuserUrl: superuserUrl(spec, s.databaseName),
  };
}

export function postgresRunning(s: StackSettings, v: Versions): boolean {
  return clusterRunning(s, v, { name: 'postgres', dirName: 'postgres' });
}

export async function startPostgres(
  s: StackSettings,
  v: Versions,
  secrets: StackSecrets,
  log: (m: string) => void,
): Promise<PostgresEndpoints> {
  const spec = hotClusterSpec(s, secrets);
  await startCluster(s, v, spec, log);
  const endpoints = postgresEndpoints(s, secrets);
  await provision(s, spec, secrets, endpoints);
  return endpoints;
}

/** Roles, database, migrations (which grant each role its privileges). Every step is safe to repeat. */
async function provision(
  s: StackSettings,
  spec: ClusterSpec,
  secrets: StackSecrets,
  endpoints: PostgresEndpoints,
): Promise<void> {
  await asSuperuser(spec, 'postgres', async (admin) => {
    const lit = (x: string) => admin.escapeLiteral(x);
    await admin.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ticket_archiver') THEN CREATE ROLE ticket_archiver LOGIN; END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ticket_archiver_mover') THEN CREATE ROLE ticket_archiver_mover LOGIN; END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ticket_archiver_restorer') THEN CREATE ROLE ticket_archiver_restorer LOGIN; END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ticket_archiver_reader') THEN CREATE ROLE ticket_archiver_reader LOGIN; END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'debezium') THEN CREATE ROLE debezium LOGIN REPLICATION; END IF;
    END $$`);
    await admin.query(`ALTER ROLE ticket_archiver PASSWORD ${lit(secrets.archiver)}`);
    await admin.query(`ALTER ROLE ticket_archiver_mover PASSWORD ${lit(secrets.mover)}`);
    await admin.query(`ALTER ROLE ticket_archiver_restorer PASSWORD ${lit(secrets.restorer)}`);
    await admin.query(`ALTER ROLE ticket_archiver_reader PASSWORD ${lit(secrets.reader)}`);
    // The throttle reads other sessions' lock waits and the replicas' replay lag: visible to pg_monitor's members.
    await admin.query('GRANT pg_monitor TO ticket_archiver_mover');
    await admin.query(`ALTER ROLE debezium PASSWORD ${lit(secrets.debezium)}`);
    const db = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [s.databaseName]);
    if (db.rowCount === 0) await admin.query(`CREATE DATABASE ${s.databaseName} OWNER ticket_archiver`);
  });
  // The demo help desk's table, as its owner (ticket_archiver stands in for business code), then the product's objects.
  await applyDemoSchema(endpoints.migrationsUrl);
  await migrate(endpoints.migrationsUrl, demoSpec());
}

export function stopPostgres(s: StackSettings, v: Versions): boolean {
  return stopCluster(s, v, { name: 'postgres', dirName: 'postgres' });
}
