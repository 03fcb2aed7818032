// The archiver on the real stack: exactly the cold tickets move, exact copies, dead letters, restore, bad settings.
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Long } from 'mongodb';
import pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import { contentHash } from '../../services/core/move/coldDocument.ts';
import { createKafka } from '../../services/edges/kafka/client.ts';
import { eventKeyBytes } from '../../services/core/spec/ticketKeys.ts';
import { defaultSpec } from '../support/specs.ts';
import { ticketPartition } from '../../services/core/ticketPartition.ts';
import { archiverEnv } from '../support/archiverEnv.ts';
import { archiverHarness } from '../support/harness.ts';
import { runCli } from '../support/runCli.ts';
import { groupAtEnd } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';
import {
  archivedCount,
  coldDocs,
  hotIds,
  insertTickets,
  rowsAsText,
  testCustomer,
  type TicketSpec,
} from '../support/tickets.ts';
import { readTopicFromNow } from '../support/topicReader.ts';

const h = archiverHarness();

const HOUR = 3600;

function mixedSpecs(n: number): Array<TicketSpec & { cold: boolean }> {
  const bodies = ['短 😀', 'Printer on fire. '.repeat(30), `${'长工单内容，包含中文和表情 🧾🔥 '.repeat(700)}end`];
  return Array.from({ length: n }, (_, i) => {
    const body = bodies[i % bodies.length] as string;
    const kind = i % 10;
    if (kind < 2) return { status: 'unassigned', ageSeconds: (i % 7) * 24 * HOUR, body, cold: false };
    if (kind < 4) return { status: 'in_progress', ageSeconds: (i % 9) * 24 * HOUR, body, cold: false };
    if (kind < 6) return { status: 'closed', ageSeconds: 10 * 60, body, cold: false };
    return { status: 'closed', ageSeconds: 2 * HOUR + (i % 30) * 24 * HOUR, body, cold: true };
  });
}

describe('archiver', () => {
  it('moves exactly the cold tickets of a mixed set, each as an exact copy of its row', async () => {
    const groupId = await groupAtEnd(h.env, 'test-mixed');
    const customer = testCustomer();
    const specs = mixedSpecs(1000).map((t) => ({ ...t, customerId: customer }));
    const ids = await insertTickets(h.stores.db, specs);
    const coldIds = ids.filter((_, i) => specs[i]?.cold);
    const hotOnes = ids.filter((_, i) => !specs[i]?.cold);
    const before = await rowsAsText(h.stores.textDb, ids);

    const a = await h.archiver({ ARCHIVER_GROUP_ID: groupId, COLD_AFTER: '1h' });
    await waitFor(
      'every cold ticket gone from hot',
      async () => (await hotIds(h.stores.db, coldIds)).size === 0,
      120_000,
    );
    await waitFor(
      'every copy marked archived',
      async () => (await archivedCount(h.stores.cold, customer)) === coldIds.length,
      30_000,
    );

    assert.deepEqual([...(await hotIds(h.stores.db, hotOnes))].sort(), [...hotOnes].sort(), 'hot tickets untouched');
    const hotAfter = await rowsAsText(h.stores.textDb, hotOnes);
    for (const id of hotOnes) assert.deepEqual(hotAfter.get(id), before.get(id), `hot ticket ${id} unchanged`);

    const docs = await coldDocs(h.stores.cold, customer);
    assert.deepEqual([...docs.keys()].sort(), [...coldIds].sort(), 'cold store holds exactly the cold tickets');
    for (const id of coldIds) {
      const [doc, ...extra] = docs.get(id) ?? [];
      assert.ok(doc && extra.length === 0, `one document for ${id}`);
      const source = before.get(id);
      assert.deepEqual(doc.row, source, `ticket ${id}: every column equal`);
      assert.equal(doc.archive.contentHash, contentHash(source ?? {}));
      assert.equal(doc.version.toString(), source?.version);
      assert.deepEqual(await h.stores.cold.archives([doc]), [doc], `ticket ${id}: an archive`);
      assert.deepEqual(Object.keys(doc.archive.columns).sort(), Object.keys(source ?? {}).sort());
    }
    const ledger = await h.stores.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM ticket_archiver.ledger WHERE ticket_key = ANY($1::text[]) AND state = 'archived'`,
      [coldIds],
    );
    assert.equal(Number(ledger.rows[0]?.n), coldIds.length);
    assert.equal(await a.metric('ticket_archiver_moves_total', { outcome: 'archived' }), coldIds.length);
    assert.equal(await a.stop(), 0, 'clean exit on SIGTERM');
  });

  it('dead-letters a malformed message with its reason and origin, and goes on archiving the tickets after it', async () => {
    const groupId = await groupAtEnd(h.env, 'test-dlq');
    const dlqTopic = `${h.env.TICKETS_TOPIC}.dlq`;
    const a = await h.archiver({ ARCHIVER_GROUP_ID: groupId, COLD_AFTER: '1h' });
    const dlq = await readTopicFromNow(h.env.KAFKA_BROKERS, dlqTopic);
    try {
      const producer = createKafka({
        brokers: h.env.KAFKA_BROKERS.split(','),
        clientId: 'test-bad-producer',
        quiet: true,
      }).producer();
      await producer.connect();
      const [sent] = await producer.send({
        topic: h.env.TICKETS_TOPIC,
        acks: -1,
        messages: [{ partition: 0, key: '{"id":987654321}', value: 'this is not a change event {' }],
      });
      await producer.disconnect();
      // Tickets after it, some of them on the same partition.
      const ids: string[] = [];
      while (ids.filter((id) => ticketPartition(eventKeyBytes(defaultSpec.key, id), 6) === 0).length < 3) {
        ids.push(
          ...(await insertTickets(
            h.stores.db,
            Array.from({ length: 10 }, () => ({ status: 'closed' as const, ageSeconds: 5 * HOUR })),
          )),
        );
      }
      await dlq.waitFor((m) => m.some((x) => x.key?.toString() === '{"id":987654321}'), 60_000, 'the dead letter');
      const letter = dlq.messages.find((x) => x.key?.toString() === '{"id":987654321}');
      assert.ok(letter);
      const headers = (await readHeaders(h.env, dlqTopic, letter.partition, letter.offset)) ?? {};
      assert.match(headers['dlq.reason'] ?? '', /message value is not JSON/);
      assert.equal(headers['dlq.origin.topic'], h.env.TICKETS_TOPIC);
      assert.equal(headers['dlq.origin.partition'], '0');
      assert.equal(headers['dlq.origin.offset'], sent?.baseOffset);
      assert.equal(letter.value?.toString(), 'this is not a change event {');
      await waitFor(
        'tickets after the bad message archived',
        async () => (await hotIds(h.stores.db, ids)).size === 0,
        60_000,
      );
      assert.ok((await a.metric('ticket_archiver_dead_lettered_total')) >= 1);
    } finally {
      await dlq.close();
    }
  });

  it('restores an archived ticket exactly as it was, every column including ones added later, and keeps it hot', async () => {
    await h.stores.db.query(`ALTER TABLE public.tickets
      ADD COLUMN IF NOT EXISTS x_amount numeric(38,12), ADD COLUMN IF NOT EXISTS x_payload jsonb,
      ADD COLUMN IF NOT EXISTS x_tags text[], ADD COLUMN IF NOT EXISTS x_scores int[], ADD COLUMN IF NOT EXISTS x_blob bytea,
      ADD COLUMN IF NOT EXISTS x_wait interval, ADD COLUMN IF NOT EXISTS x_ratio double precision, ADD COLUMN IF NOT EXISTS x_ref uuid,
      ADD COLUMN IF NOT EXISTS x_flag boolean, ADD COLUMN IF NOT EXISTS x_day date, ADD COLUMN IF NOT EXISTS x_local timestamp,
      ADD COLUMN IF NOT EXISTS x_clock time`);
    const groupId = await groupAtEnd(h.env, 'test-restore');
    const session = new pg.Client({ connectionString: h.env.MIGRATIONS_DATABASE_URL });
    await session.connect();
    try {
      const { rows } = await session.query<{ id: string }>(
        `INSERT INTO public.tickets (customer_id, status, subject, body, created_at, last_operated_at, last_operator_id, last_operator_group_id,
           x_amount, x_payload, x_tags, x_scores, x_blob, x_wait, x_ratio, x_ref, x_flag, x_day, x_local, x_clock)
         VALUES (77, 'closed', '退款 refund 💸', repeat('二十KB的正文 with emoji 😀🎉 ', 900), '2020-02-29 23:59:59.123456+08', now() - interval '3 hours 0.000001 second', 9, 4,
           '12345678901234567890.123456789012', '{"a": [1, 2.50, "😀"], "big": 123456789012345678901234567890}', '{"a,b","c\\"d",NULL}', '{1,2,3}', '\\x00ff10',
           '1 year 2 mons 3 days 04:05:06.789', 0.1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', true, '2024-02-29', '2020-01-02 03:04:05.123456', '23:59:59.999999')
         RETURNING id`,
      );
      const id = rows[0]?.id as string;
      await session.query('CREATE TEMP TABLE restore_snapshot AS SELECT * FROM public.tickets WHERE id = $1', [id]);

      await h.archiver({ ARCHIVER_GROUP_ID: groupId, COLD_AFTER: '1h' });
      await waitFor(
        'archived',
        async () =>
          (await h.stores.cold.archives(await h.stores.cold.tickets.find({ _id: Long.fromString(id) }).toArray()))
            .length === 1,
        60_000,
      );
      assert.equal((await hotIds(h.stores.db, [id])).size, 0);

      const res = await runCli(['restore', id, '--hold', '1h'], archiverEnv(h.env));
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, new RegExp(`"restored":"${id}"`));

      const diff = await session.query<{ n: string; same_text: boolean }>(
        `SELECT (SELECT count(*) FROM ((SELECT * FROM public.tickets WHERE id = $1 EXCEPT ALL SELECT * FROM restore_snapshot)
                  UNION ALL (SELECT * FROM restore_snapshot EXCEPT ALL SELECT * FROM public.tickets WHERE id = $1)) d) AS n,
                (SELECT (t.*)::text FROM public.tickets t WHERE id = $1) = (SELECT (s.*)::text FROM restore_snapshot s) AS same_text`,
        [id],
      );
      assert.equal(diff.rows[0]?.n, '0', 'restored row equals the original in every column');
      assert.equal(diff.rows[0]?.same_text, true, 'and its text form is identical');
      assert.equal(
        await h.stores.cold.tickets.countDocuments({ _id: Long.fromString(id) }),
        0,
        'removed from the cold store',
      );
      // The running archiver sees the restored row (cold by the rule) but the hold keeps it hot.
      await sleep(4000);
      assert.equal((await hotIds(h.stores.db, [id])).size, 1, 'still hot while held');
      const ledger = await h.stores.db.query<{ state: string }>(
        'SELECT state FROM ticket_archiver.ledger WHERE ticket_key = $1',
        [id],
      );
      assert.equal(ledger.rows[0]?.state, 'restored');
    } finally {
      await session.end();
    }
  });

  it('refuses to start on a bad setting, naming the variable', async () => {
    const bad = await runCli(['archive'], archiverEnv(h.env, { COLD_AFTER: 'soon', ARCHIVE_BATCH_SIZE: '0' }), 30_000);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /COLD_AFTER: expected a whole number followed by ms, s, m, h or d .*"soon"/);
    assert.match(bad.stderr, /ARCHIVE_BATCH_SIZE: expected a whole number of tickets per move \(at least 1\)/);
    const missing = await runCli(['archive'], { PATH: process.env.PATH, HOME: process.env.HOME }, 30_000);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /DATABASE_URL: required/);
  });

  it('refuses to start when the cold store is unreachable, naming it', async () => {
    const res = await runCli(['archive'], archiverEnv(h.env, { MONGODB_URL: 'mongodb://127.0.0.1:9/' }), 60_000);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /cold store at mongodb:\/\/127\.0\.0\.1:9\/ is unreachable/);
  });
});

async function readHeaders(
  env: StackEnv,
  topic: string,
  partition: number,
  offset: string,
): Promise<Record<string, string> | undefined> {
  const kafka = createKafka({ brokers: h.env.KAFKA_BROKERS.split(','), clientId: 'test-headers', quiet: true });
  const consumer = kafka.consumer({ groupId: `test-headers-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let found: Record<string, string> | undefined;
  await consumer.run({
    eachMessage: ({ partition: p, message }) => {
      if (p === partition && message.offset === offset) {
        found = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
      }
      return Promise.resolve();
    },
  });
  consumer.seek({ topic, partition, offset });
  await waitFor('the dead letter headers', () => Promise.resolve(found), 30_000);
  await consumer.disconnect();
  return found;
}
