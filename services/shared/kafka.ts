// The one place that builds kafkajs clients, so client id, logging and retry policy are set the same everywhere.
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
export async function ensureTopic(admin: Admin, spec: TopicSpec): Promise<'created' | 'exists'> {
  const existing = await admin.listTopics();
  if (!existing.includes(spec.topic)) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: spec.topic, numPartitions: spec.numPartitions, replicationFactor: -1, configEntries: spec.configEntries }],
    });
    return 'created';
  }
  const meta = await admin.fetchTopicMetadata({ topics: [spec.topic] });
  const partitions = meta.topics[0]?.partitions.length ?? 0;
  if (partitions < spec.numPartitions) {
    throw new Error(`topic ${spec.topic} has ${partitions} partitions, fewer than the ${spec.numPartitions} required`);
  }
  return 'exists';
}
