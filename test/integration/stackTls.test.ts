// The local stack in TLS mode (STACK_TLS=true) on a stack of its own: every server refuses plaintext, clients verify
// the servers' certificates, Kafka authenticates with SCRAM-SHA-512, and the archiver moves cold tickets end to end
// over those connections, with `verify` finding nothing wrong.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import { createKafka } from '../../services/edges/kafka/client.ts';
import { archiverEnv } from '../support/archiverEnv.ts';
import { startArchiverProcess, waitReady, type ArchiverProcess } from '../support/archiverProcess.ts';
import { IsolatedStack } from '../support/isolatedStack.ts';
import { runCli } from '../support/runCli.ts';
import { openStores, type Stores } from '../support/stores.ts';
import { archivedCount, hotIds, insertTickets, testCustomer } from '../support/tickets.ts';
import { groupAtEnd, stackKafkaAdmin } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';

const stack = new IsolatedStack('tls', 300, (m) => process.stderr.write(`[tls stack] ${m}\n`), { STACK_TLS: 'true' });
let env: StackEnv;
let stores: Stores;

/** The error a connection attempt ends with, or undefined when it succeeds. */
async function refusal(connect: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await connect();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

async function pgQuery(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

async function mongoPing(url: string): Promise<unknown> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 3000 });
  try {
    await client.connect();
    return await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}

async function kafkaBrokers(security: Parameters<typeof createKafka>[0]['security']): Promise<number> {
  const admin = createKafka({
    brokers: env.KAFKA_BROKERS.split(','),
    clientId: 'test-tls',
    quiet: true,
    retry: { retries: 0 },
    security,
  }).admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

describe('local stack with TLS and SCRAM (STACK_TLS=true)', () => {
  before(async () => {
    env = await stack.fresh();
    stores = await openStores(env);
  });
  after(async () => {
    await stores?.close();
    await stack.down();
  });

  it("hands out settings that insist on TLS and check the servers' certificates", () => {
    for (const url of [env.DATABASE_URL, env.MIGRATIONS_DATABASE_URL, env.RESTORE_DATABASE_URL]) {
      assert.equal(new URL(url).searchParams.get('sslmode'), 'verify-full');
    }
    assert.equal(new URL(env.MONGODB_URL).searchParams.get('tls'), 'true');
    assert.equal(env.KAFKA_SECURITY_PROTOCOL, 'SASL_SSL');
    assert.equal(env.KAFKA_SASL_MECHANISM, 'SCRAM-SHA-512');
  });

  it("PostgreSQL refuses plaintext, every session including Debezium's runs over TLS, and a client without the CA cannot verify it", async () => {
    const plain = new URL(env.MIGRATIONS_DATABASE_URL);
    plain.searchParams.set('sslmode', 'disable');
    plain.searchParams.delete('sslrootcert');
    assert.match(
      (await refusal(() => pgQuery(plain.href, 'SELECT 1'))) ?? 'connected',
      /no pg_hba\.conf entry.*no encryption/,
    );
    const noCa = new URL(env.MIGRATIONS_DATABASE_URL);
    noCa.searchParams.delete('sslrootcert');
    assert.match(
      (await refusal(() => pgQuery(noCa.href, 'SELECT 1'))) ?? 'connected',
      /self[- ]signed|unable to (verify|get local issuer)/i,
    );

    const sessions = await pgQuery(
      env.STACK_PG_SUPERUSER_URL,
      `SELECT a.usename, a.backend_type, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.client_addr IS NOT NULL`,
    );
    const rows = sessions.rows as Array<{ usename: string; backend_type: string; ssl: boolean }>;
    assert.ok(
      rows.some((r) => r.usename === 'debezium' && r.backend_type === 'walsender'),
      `Debezium streams the change log: ${JSON.stringify(rows)}`,
    );
    assert.deepEqual(
      rows.filter((r) => !r.ssl),
      [],
      'every TCP session is encrypted',
    );
  });

  it('the cold store refuses plaintext and answers over TLS', async () => {
    assert.deepEqual(await mongoPing(env.MONGODB_URL), { ok: 1 });
    const plain = new URL(env.MONGODB_URL);
    plain.search = '';
    assert.ok(await refusal(() => mongoPing(plain.href)), 'a plaintext client is refused');
  });

  it("Kafka refuses plaintext and wrong credentials, and accepts the services' SCRAM user over TLS", async () => {
    const ca = env.KAFKA_SSL_CA_FILE as string;
    const sasl = {
      mechanism: 'scram-sha-512' as const,
      username: env.KAFKA_SASL_USERNAME as string,
      password: env.KAFKA_SASL_PASSWORD as string,
    };
    assert.equal(await kafkaBrokers({ tls: { caFile: ca }, sasl }), 1);
    assert.ok(await refusal(() => kafkaBrokers({})), 'a plaintext client is refused');
    assert.match(
      (await refusal(() => kafkaBrokers({ tls: { caFile: ca }, sasl: { ...sasl, password: 'not-the-password' } }))) ??
        'connected',
      /SASL|authentication/i,
    );
    assert.ok(
      await refusal(() => kafkaBrokers({ tls: {}, sasl })),
      'a client that does not trust the stack CA cannot verify the broker',
    );
  });

  it('the archiver moves exactly the cold tickets over TLS and SCRAM, and verify finds no violation', async () => {
    const groupId = await groupAtEnd(env, 'test-tls');
    const customer = testCustomer();
    const specs = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? { status: 'closed' as const, ageSeconds: 3 * 3600, customerId: customer }
        : { status: 'in_progress' as const, ageSeconds: 3 * 3600, customerId: customer },
    );
    const ids = await insertTickets(stores.db, specs);
    const cold = ids.filter((_, i) => i % 2 === 0);
    const open = ids.filter((_, i) => i % 2 === 1);
    let archiver: ArchiverProcess | undefined;
    try {
      archiver = startArchiverProcess(env, { ARCHIVER_GROUP_ID: groupId, COLD_AFTER: '1h' });
      await waitReady(archiver, 120_000);
      await waitFor('every cold ticket gone from hot', async () => (await hotIds(stores.db, cold)).size === 0, 120_000);
      await waitFor(
        'every copy marked archived',
        async () => (await archivedCount(stores.cold, customer)) === cold.length,
        30_000,
      );
      assert.equal((await hotIds(stores.db, open)).size, open.length, 'open tickets stay hot');
    } finally {
      assert.equal(await archiver?.stop(), 0, 'the archiver stops cleanly');
    }
    const admin = stackKafkaAdmin(env, 'test-tls-offsets');
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [env.TICKETS_TOPIC] });
      assert.ok(
        (offsets?.partitions ?? []).some((p) => Number(p.offset) > 0),
        'the group committed its offsets over SASL_SSL',
      );
    } finally {
      await admin.disconnect();
    }
    const verify = await runCli(['verify'], archiverEnv(env), 300_000);
    assert.equal(verify.code, 0, `${verify.stdout}\n${verify.stderr.slice(-2000)}`);
    assert.match(verify.stdout + verify.stderr, /verify: OK/);
  });
});
