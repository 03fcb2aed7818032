// Topics as the product needs them: created when missing with enough partitions, waited for until every partition has
// a leader, and the tickets topic's partition count, read once and never guessed.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { StoreRefusedError, StoreUnavailableError } from '../../core/errors.ts';
import { guardedKafka } from './client.ts';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  configEntries?: Array<{ name: string; value: string }>;
}

/**
 * Creates the topic when it does not exist. An existing topic with fewer partitions than asked for is an error:
 * adding partitions later would move ticket keys to other partitions and break per-ticket ordering.
 */
export async function ensureTopic(admin: Admin, spec: TopicSpec, timeoutMs = 60_000): Promise<'created' | 'exists'> {
  const existing = await guardedKafka('listing topics', () => admin.listTopics());
  let outcome: 'created' | 'exists' = 'exists';
  if (!existing.includes(spec.topic)) {
    // kafkajs's waitForLeaders gives up on the UNKNOWN_TOPIC_OR_PARTITION a fresh KRaft broker answers for a
    // moment after creation, so leaders are awaited below instead.
    const created = await guardedKafka(`creating topic ${spec.topic}`, () =>
      admin.createTopics({
        waitForLeaders: false,
        topics: [
          {
            topic: spec.topic,
            numPartitions: spec.numPartitions,
            replicationFactor: -1,
            configEntries: spec.configEntries,
          },
        ],
      }),
    );
    outcome = created ? 'created' : 'exists';
  }
  const partitions = await waitForLeaders(admin, spec.topic, timeoutMs);
  if (partitions < spec.numPartitions) {
    throw new StoreRefusedError(
      'kafka',
      `topic ${spec.topic} has ${partitions} partitions, fewer than the ${spec.numPartitions} required`,
    );
  }
  return outcome;
}

/** Polls metadata until every partition of the topic has a leader; returns the partition count. */
async function waitForLeaders(admin: Admin, topic: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = meta.topics[0]?.partitions ?? [];
      if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return partitions.length;
      last = `${partitions.filter((p) => p.leader < 0).length} partition(s) without a leader`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline)
      throw new StoreUnavailableError('kafka', `topic ${topic} not ready after ${timeoutMs / 1000} s: ${last}`);
    await sleep(250);
  }
}

/**
 * The partition count of an existing topic. Timers are filed by the partition of their ticket, so a wrong count would
 * file them where no archiver looks: a missing topic or unreadable metadata fails loudly instead of guessing.
 */
export async function partitionCount(admin: Admin, topic: string): Promise<number> {
  const topics = await guardedKafka('listing topics', () => admin.listTopics());
  if (!topics.includes(topic))
    throw new StoreRefusedError('kafka', `the tickets topic ${topic} (TICKETS_TOPIC) does not exist`);
  const meta = await guardedKafka(`reading the metadata of ${topic}`, () =>
    admin.fetchTopicMetadata({ topics: [topic] }),
  );
  const count = meta.topics[0]?.partitions.length ?? 0;
  if (count < 1)
    throw new StoreRefusedError('kafka', `the tickets topic ${topic} (TICKETS_TOPIC) reports no partitions`);
  return count;
}
