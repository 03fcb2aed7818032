// The tickets topic as the tests see it: an admin secured as the stack's services are, consumer groups placed at its
// end and their lag, and waiting until Debezium has delivered what was committed.
import { setTimeout as sleep } from 'node:timers/promises';
import { stackKafkaSecurity, type StackEnv } from '../../infra/local/stack.ts';
import { createKafka } from '../../services/edges/kafka/client.ts';

/** A kafkajs admin for test set-up and checks, secured as the stack's services are. */
export function stackKafkaAdmin(env: StackEnv, clientId: string) {
  return createKafka({
    brokers: env.KAFKA_BROKERS.split(','),
    clientId,
    quiet: true,
    security: stackKafkaSecurity(env),
  }).admin();
}

/** Where each test group started: its "earliest offset" on a topic shared with every other test's history. */
export const groupStarts = new Map<string, Array<{ partition: number; offset: string }>>();

/** A new consumer group positioned at the current end of the topic, so a test's archiver sees only what comes next. */
export async function groupAtEnd(env: StackEnv, prefix: string): Promise<string> {
  const groupId = `${prefix}-${process.pid}-${Date.now()}`;
  const admin = stackKafkaAdmin(env, 'test-setup');
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(env.TICKETS_TOPIC);
    const partitions = ends.map((e) => ({ partition: e.partition, offset: e.high }));
    await admin.setOffsets({ groupId, topic: env.TICKETS_TOPIC, partitions });
    groupStarts.set(groupId, partitions);
  } finally {
    await admin.disconnect();
  }
  return groupId;
}

/** Total lag of a group on the tickets topic (messages not yet committed). */
export async function groupLag(env: StackEnv, groupId: string): Promise<number> {
  const admin = stackKafkaAdmin(env, 'test-lag');
  await admin.connect();
  try {
    const [committed, ends] = await Promise.all([
      admin.fetchOffsets({ groupId, topics: [env.TICKETS_TOPIC] }),
      admin.fetchTopicOffsets(env.TICKETS_TOPIC),
    ]);
    const c = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce(
      (sum, e) => sum + Math.max(0, Number(e.high) - Math.max(c.get(e.partition) ?? 0, Number(e.low))),
      0,
    );
  } finally {
    await admin.disconnect();
  }
}

/** Waits until the topic's end offsets stop moving: Debezium has delivered everything committed so far. */
export async function topicSettled(env: StackEnv, timeoutMs = 240_000): Promise<void> {
  const admin = stackKafkaAdmin(env, 'test-settle');
  await admin.connect();
  try {
    const total = async () =>
      (await admin.fetchTopicOffsets(env.TICKETS_TOPIC)).reduce((s, p) => s + Number(p.high), 0);
    let last = -1;
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      const now = await total();
      if (now === last) return;
      last = now;
      await sleep(2000);
    }
    throw new Error(`topic ${env.TICKETS_TOPIC} still growing after ${timeoutMs} ms`);
  } finally {
    await admin.disconnect();
  }
}
