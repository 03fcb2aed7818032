// Kafka, the only place kafkajs is used: the archiver's group membership, the dead-letter topic, topics and their
// partition counts, and a group's lag. Callers get these surfaces, never a client.
import type { Admin, Kafka, RetryOptions } from 'kafkajs';
import type { KafkaSecurity } from '../../core/kafkaSecurity.ts';
import { StoreUnavailableError } from '../../core/errors.ts';
import { createKafka } from './client.ts';
import { openDeadLetterSink, type DeadLetterSink } from './deadLetters.ts';
import { groupLag } from './groupLag.ts';
import { groupMembers, topicMessages, type GroupMember } from './groupMembers.ts';
import { ticketConsumer, type TicketConsumer, type TicketConsumerOptions } from './ticketConsumer.ts';
import { ensureTopic, partitionCount, type TopicSpec } from './topics.ts';

export type { DeadLetter, DeadLetterSink } from './deadLetters.ts';
export type { GroupMember } from './groupMembers.ts';
export type {
  MessageHeaders,
  PartitionBatch,
  TicketConsumer,
  TicketConsumerHandlers,
  TicketMessage,
} from './ticketConsumer.ts';

export interface KafkaEdge {
  /** The topic's partition count; throws when the topic is missing (never a guess). */
  partitionCount(topic: string): Promise<number>;
  ensureTopic(spec: TopicSpec): Promise<'created' | 'exists'>;
  groupLag(groupId: string, topic: string): Promise<Map<number, number>>;
  groupMembers(groupId: string, topic: string): Promise<{ state: string; members: GroupMember[] }>;
  /** Messages a topic holds now; undefined when it does not exist. */
  topicMessages(topic: string): Promise<number | undefined>;
  openDeadLetters(topic: string, originTopic: string): Promise<DeadLetterSink>;
  ticketConsumer(options: TicketConsumerOptions): TicketConsumer;
  close(): Promise<void>;
}

export async function connectKafka(o: {
  brokers: string[];
  clientId: string;
  quiet?: boolean;
  retry?: RetryOptions;
  security: KafkaSecurity;
}): Promise<KafkaEdge> {
  const kafka: Kafka = createKafka(o);
  const admin: Admin = kafka.admin();
  await admin.connect().catch((err: unknown) => {
    throw new StoreUnavailableError(
      'kafka',
      `Kafka (KAFKA_BROKERS=${o.brokers.join(',')}) is unreachable: ${(err as Error).message}`,
      undefined,
      err,
    );
  });
  return {
    partitionCount: (topic) => partitionCount(admin, topic),
    ensureTopic: (spec) => ensureTopic(admin, spec),
    groupLag: (groupId, topic) => groupLag(admin, groupId, topic),
    groupMembers: (groupId, topic) => groupMembers(admin, groupId, topic),
    async topicMessages(topic) {
      const topics = await admin.listTopics().catch(() => [] as string[]);
      return topics.includes(topic) ? topicMessages(admin, topic) : undefined;
    },
    openDeadLetters: (topic, originTopic) => openDeadLetterSink(kafka, topic, originTopic),
    ticketConsumer: (options) => ticketConsumer(kafka, options),
    close: () => admin.disconnect().catch(() => undefined),
  };
}
