// Messages that cannot be processed however often we retry go to the dead-letter topic, with why and where from.
import type { IHeaders, KafkaMessage, Producer } from 'kafkajs';

export interface DeadLetter {
  message: KafkaMessage;
  partition: number;
  reason: string;
}

export async function sendDeadLetters(producer: Producer, dlqTopic: string, originTopic: string, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await producer.send({
    topic: dlqTopic,
    acks: -1,
    messages: letters.map((l) => {
      const headers: IHeaders = {
        ...(l.message.headers ?? {}),
        'dlq.reason': l.reason.slice(0, 2000),
        'dlq.origin.topic': originTopic,
        'dlq.origin.partition': String(l.partition),
        'dlq.origin.offset': l.message.offset,
        'dlq.failed.at': new Date().toISOString(),
      };
      return { key: l.message.key, value: l.message.value, headers };
    }),
  });
}
