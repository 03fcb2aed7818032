// Reads the messages that arrive on a topic after the reader starts, from the offsets current at start.
import type { KafkaMessage } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafka } from '../../services/edges/kafka/client.ts';

export interface ReceivedMessage {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

export interface TopicReader {
  messages: ReceivedMessage[];
  /** Waits until `predicate` holds over the messages received so far, or fails after timeoutMs. */
  waitFor(predicate: (messages: ReceivedMessage[]) => boolean, timeoutMs: number, what: string): Promise<void>;
  close(): Promise<void>;
}

export async function readTopicFromNow(brokers: string, topic: string): Promise<TopicReader> {
  const kafka = createKafka({ brokers: brokers.split(','), clientId: 'test-reader', quiet: true });
  const admin = kafka.admin();
  await admin.connect();
  const start = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `test-reader-${process.pid}-${Date.now()}` });
  const messages: ReceivedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: ({ partition, message }: { partition: number; message: KafkaMessage }) => {
      messages.push({ partition, offset: message.offset, key: message.key, value: message.value });
      return Promise.resolve();
    },
  });
  for (const p of start) consumer.seek({ topic, partition: p.partition, offset: p.offset });
  return {
    messages,
    async waitFor(predicate, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(messages)) {
        if (Date.now() > deadline)
          throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${messages.length} messages`);
        await sleep(100);
      }
    },
    close: () => consumer.disconnect(),
  };
}
