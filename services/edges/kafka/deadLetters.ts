// Messages that cannot be processed however often we retry go to the dead-letter topic, with why and where from.
// Written with acks=all before the origin's offset is committed; a duplicate dead letter after a crash is acceptable
// (at least once), a lost one is not.
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { guardedKafka } from './client.ts';
import type { TicketMessage } from './ticketConsumer.ts';

export interface DeadLetter {
  message: TicketMessage;
  partition: number;
  reason: string;
}

export interface DeadLetterSink {
  readonly topic: string;
  send(letters: DeadLetter[]): Promise<void>;
  close(): Promise<void>;
}

export async function openDeadLetterSink(kafka: Kafka, topic: string, originTopic: string): Promise<DeadLetterSink> {
  const producer: Producer = kafka.producer({
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await guardedKafka('connecting the dead-letter producer', () => producer.connect());
  return {
    topic,
    async send(letters) {
      if (letters.length === 0) return;
      await guardedKafka(`writing dead letters to ${topic}`, () =>
        producer.send({
          topic,
          acks: -1,
          messages: letters.map((l) => ({
            key: l.message.key,
            value: l.message.value,
            headers: {
              ...(l.message.headers ?? {}),
              'dlq.reason': l.reason.slice(0, 2000),
              'dlq.origin.topic': originTopic,
              'dlq.origin.partition': String(l.partition),
              'dlq.origin.offset': l.message.offset,
              'dlq.failed.at': new Date().toISOString(),
            },
          })),
        }),
      );
    },
    close: () => producer.disconnect().catch(() => undefined),
  };
}
