// The local stack is real and wired: changes to public.tickets reach Kafka as Debezium events, and the cold store
// stores and returns documents exactly.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Decimal128, Long } from 'mongodb';
import pg from 'pg';
import { stackUp } from '../../infra/local/stack.ts';
import { stackStatus } from '../../infra/local/stackCli.ts';
import { projectRoot } from '../../infra/local/settings.ts';
import { ComponentError } from '../../infra/local/processes.ts';
import { parseTicketEvent, type TicketEvent } from '../../services/core/ticketEvent.ts';
import { createKafka } from '../../services/edges/kafka/client.ts';
import {
  connectorStatus,
  loadConnectorDefinition,
  registerConnector,
} from '../../services/edges/kafkaConnect/index.ts';
import { ticketsConnectorFile } from '../../services/shipped/index.ts';
import { defaultShape, defaultSpec } from '../support/specs.ts';
import { useStackDatabase } from '../support/stack.ts';
import { rawColdStore } from '../support/stores.ts';
import { readTopicFromNow } from '../support/topicReader.ts';

const stack = useStackDatabase();

describe('local stack', () => {
  it('is idempotent: a second up succeeds and every component, connector and task is healthy', async () => {
    if (process.env.TICKET_ARCHIVER_EXTERNAL_STACK === '1') return;
    await stackUp(() => undefined);
    const rows = await stackStatus();
    assert.deepEqual(
      rows.filter((r) => !r.healthy).map((r) => r.component),
      [],
    );
    assert.ok(rows.length >= 5, `${rows.length} status rows`);
  });

  it('has the tickets topic with at least 6 partitions', async () => {
    const admin = createKafka({ brokers: stack.env.KAFKA_BROKERS.split(','), clientId: 'test', quiet: true }).admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [stack.env.TICKETS_TOPIC] });
      assert.ok((meta.topics[0]?.partitions.length ?? 0) >= 6, `partitions: ${meta.topics[0]?.partitions.length}`);
    } finally {
      await admin.disconnect();
    }
  });

  it('turns insert and update of a ticket into create and update events, and publishes no delete', async () => {
    const reader = await readTopicFromNow(stack.env.KAFKA_BROKERS, stack.env.TICKETS_TOPIC);
    try {
      const startedAt = Date.now();
      const { rows } = await stack.db.query<{ id: string }>(
        `INSERT INTO tickets (customer_id, status, subject, body) VALUES (42, 'unassigned', 'printer', '打印机坏了 🖨️') RETURNING id`,
      );
      const id = Number(rows[0]?.id);
      // The writer does not touch version: the database raises it.
      await stack.db.query(`UPDATE tickets SET status = 'closed', last_operated_at = now() WHERE id = $1`, [id]);
      await stack.db.query('DELETE FROM tickets WHERE id = $1', [id]);
      // A marker after the delete: once it arrives, the delete would have arrived before it (one partition's order is
      // the WAL's, and the marker is a later transaction).
      const { rows: marker } = await stack.db.query<{ id: string }>(
        `INSERT INTO tickets (customer_id, status) VALUES (42, 'unassigned') RETURNING id`,
      );
      const markerId = Number(marker[0]?.id);

      const all = () => reader.messages.map((m) => ({ m, e: parseTicketEvent(m.key, m.value, defaultShape) }));
      const mine = () => all().filter(({ e }) => ('id' in e ? e.id === String(id) : false));
      await reader.waitFor(
        () => mine().length >= 2 && all().some(({ e }) => 'id' in e && e.id === String(markerId)),
        60_000,
        `2 events of ticket ${id} and the marker`,
      );
      await sleep(2000);

      const events = mine();
      assert.deepEqual(
        events.map(({ e }) => (e.kind === 'upsert' ? e.op : e.kind)),
        ['c', 'u'],
        'no delete, no tombstone (migration 005)',
      );
      // Keyed by ticket id: every event of one ticket is on one partition, in order.
      assert.equal(new Set(events.map(({ m }) => m.partition)).size, 1);
      const [created, updated] = events.map(({ e }) => e) as [TicketEvent, TicketEvent];
      assert.ok(created.kind === 'upsert' && updated.kind === 'upsert');
      assert.deepEqual([created.change.version, created.change.mayTurnCold], ['1', false]);
      assert.deepEqual([updated.change.version, updated.change.mayTurnCold], ['2', true], 'closed: may turn cold');
      // Only the spec's captured columns travel (column.include.list): no body, no subject.
      const after = (JSON.parse(events[0]?.m.value?.toString() ?? '{}') as { after: object }).after;
      assert.deepEqual(Object.keys(after).sort(), ['id', 'last_operated_at', 'status', 'version']);
      // The source block carries the WAL position and commit time.
      // Exact whatever its size: decimal text (core/ticketEvent.ts).
      const lsns = [created.source.lsn, updated.source.lsn].map((l) => BigInt(l ?? '0'));
      assert.ok(
        lsns.every((l) => l > 0n),
        `lsns ${lsns.join(',')}`,
      );
      assert.ok((lsns[0] ?? 0n) < (lsns[1] ?? 0n), `lsns increase: ${lsns.join(',')}`);
      for (const e of [created, updated]) {
        assert.ok(Math.abs(e.source.ts_ms - startedAt) < 60_000, `source.ts_ms ${e.source.ts_ms} near ${startedAt}`);
        assert.equal(e.source.table, 'tickets');
      }
    } finally {
      await reader.close();
    }
  });

  it('round-trips a document through the cold store exactly', async () => {
    const cold = await rawColdStore(stack.env.MONGODB_URL);
    try {
      const id = Long.fromString('9007199254740993'); // above 2^53: must not be rounded
      const body = `${'长文本 long text 😀 '.repeat(5000)}end`;
      const doc = {
        _id: id,
        status: 'closed',
        body,
        // Exact numerics travel as decimal text (the cold document keeps every column as PostgreSQL's text).
        amount: '12345678901234567890.123456789',
        amount128: Decimal128.fromString('1234567890123456789012.345678901234'),
        last_operated_at: new Date('2026-01-02T03:04:05.678Z'),
        last_operated_at_text: '2026-01-02T03:04:05.678901Z',
        tags: ['a', 'b'],
        meta: { nested: { deep: true } },
      };
      await cold.tickets.deleteOne({ _id: id });
      await cold.tickets.insertOne(doc);
      const back = await cold.tickets.findOne({ _id: id }, { promoteLongs: false });
      assert.ok(back);
      assert.equal((back._id as Long).toString(), '9007199254740993');
      assert.equal(back.body, body);
      assert.equal(back.amount, '12345678901234567890.123456789');
      assert.equal(String(back.amount128), '1234567890123456789012.345678901234', 'Decimal128 round-trips exactly');
      assert.equal(back.last_operated_at_text, '2026-01-02T03:04:05.678901Z');
      assert.equal((back.last_operated_at as Date).toISOString(), '2026-01-02T03:04:05.678Z');
      assert.deepEqual(back.tags, ['a', 'b']);
      assert.deepEqual(back.meta, { nested: { deep: true } });
      // _id is unique: a second insert of the same ticket is refused.
      await assert.rejects(cold.tickets.insertOne({ _id: id }), (err: { code?: number }) => err.code === 11000);
      await cold.tickets.deleteOne({ _id: id });
      assert.equal(await cold.tickets.countDocuments({ _id: id }), 0);
    } finally {
      await cold.close();
    }
  });

  it('registers the connector idempotently from a file that holds no secret', async () => {
    const text = readFileSync(ticketsConnectorFile(), 'utf8');
    assert.doesNotMatch(text, /"database\.password":\s*"(?!\$\{env:)/);
    const def = loadConnectorDefinition(defaultSpec);
    await registerConnector(stack.env.KAFKA_CONNECT_URL, def);
    await registerConnector(stack.env.KAFKA_CONNECT_URL, def);
    const res = await fetch(`${stack.env.KAFKA_CONNECT_URL}/connectors/${def.name}/config`);
    const stored = (await res.json()) as Record<string, string>;
    // Connect stores the reference; the password is resolved only inside the worker.
    assert.equal(stored['database.password'], '${env:CDC_DATABASE_PASSWORD}');
    assert.equal(stored['plugin.name'], 'pgoutput');
    let status = await connectorStatus(stack.env.KAFKA_CONNECT_URL, def.name);
    for (let i = 0; i < 60 && !(status?.connector.state === 'RUNNING' && status.tasks[0]?.state === 'RUNNING'); i++) {
      await sleep(500);
      status = await connectorStatus(stack.env.KAFKA_CONNECT_URL, def.name);
    }
    assert.equal(status?.connector.state, 'RUNNING');
    assert.equal(status?.tasks[0]?.state, 'RUNNING');
  });

  it('moves the replication slot forward through heartbeats while the tickets table is quiet', async () => {
    const su = new pg.Client({ connectionString: stack.env.STACK_PG_SUPERUSER_URL });
    await su.connect();
    try {
      // WAL from other tables: none of it is captured, all of it is retained until the slot moves.
      await su.query('CREATE TABLE IF NOT EXISTS public.test_wal_noise (id serial primary key, filler text)');
      await su.query(
        `INSERT INTO public.test_wal_noise (filler) SELECT repeat('x', 1000) FROM generate_series(1, 2000)`,
      );
      const { rows } = await su.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      const target = rows[0]?.lsn ?? '0/0';
      const deadline = Date.now() + 90_000;
      let confirmed = '';
      for (;;) {
        const r = await su.query<{ confirmed: string; passed: boolean }>(
          `SELECT confirmed_flush_lsn::text AS confirmed, confirmed_flush_lsn >= $1::pg_lsn AS passed
             FROM pg_replication_slots WHERE slot_name = 'ticket_archiver_cdc'`,
          [target],
        );
        confirmed = r.rows[0]?.confirmed ?? '(no slot)';
        if (r.rows[0]?.passed) break;
        assert.ok(Date.now() < deadline, `slot stuck at ${confirmed}, WAL at ${target}`);
        await sleep(1000);
      }
    } finally {
      await su.query('DROP TABLE IF EXISTS public.test_wal_noise');
      await su.end();
    }
  });

  it('fails a start with the component name when its port is taken', async () => {
    if (process.env.TICKET_ARCHIVER_EXTERNAL_STACK === '1') return;
    const dir = join(projectRoot, '.stack', 'test-port-conflict');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      // PostgreSQL is up already; the cold store is the first new process this stack would start.
      const testEnv = { ...process.env, STACK_DIR: dir, STACK_PG_PORT: String(port) };
      await assert.rejects(
        stackUp(() => undefined, testEnv),
        (err: unknown) => {
          assert.ok(err instanceof ComponentError, String(err));
          assert.equal(err.component, 'postgres');
          assert.match(err.message, new RegExp(`port ${port} .*STACK_PG_PORT`));
          return true;
        },
      );
    } finally {
      blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
