// The one place that builds kafkajs clients, so client id, logging and retry policy are set the same everywhere.
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Admin, type RetryOptions } from 'kafkajs';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  retry?: RetryOptions;
  quiet?: boolean;
}

export function createKafka(o: KafkaOptions): Kafka {
  return new Kafka({
    clientId: o.clientId,
    brokers: o.brokers,
    logLevel: o.quiet ? logLevel.NOTHING : logLevel.WARN,
    connectionTimeout: 5000,
    retry: o.retry ?? { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
}

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
  const existing = await admin.listTopics();
  let outcome: 'created' | 'exists' = 'exists';
  if (!existing.includes(spec.topic)) {
    // kafkajs's waitForLeaders gives up on the UNKNOWN_TOPIC_OR_PARTITION a fresh KRaft broker answers for a
    // moment after creation, so leaders are awaited below instead.
    const created = await admin.createTopics({
      waitForLeaders: false,
      topics: [{ topic: spec.topic, numPartitions: spec.numPartitions, replicationFactor: -1, configEntries: spec.configEntries }],
    });
    outcome = created ? 'created' : 'exists';
  }
  const partitions = await waitForLeaders(admin, spec.topic, timeoutMs);
  if (partitions < spec.numPartitions) {
    throw new Error(`topic ${spec.topic} has ${partitions} partitions, fewer than the ${spec.numPartitions} required`);
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
    if (Date.now() > deadline) throw new Error(`topic ${topic} not ready after ${timeoutMs / 1000} s: ${last}`);
    await sleep(250);
  }
}
