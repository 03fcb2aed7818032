// The archiver's membership of its consumer group, in the ticket domain: batches of one partition's messages with a
// way to commit past what is done, and word of assignments, revocations and crashes. Offsets are committed only when
// the caller says its work up to them is done (auto-resolve is off).
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { guardedKafka } from './client.ts';

export type MessageHeaders = Record<string, Buffer | string | Array<Buffer | string> | undefined>;

export interface TicketMessage {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  /** When the connector produced it (epoch ms): the age of work waiting. */
  timestampMs: number;
  headers?: MessageHeaders;
}

export interface PartitionBatch {
  partition: number;
  messages: TicketMessage[];
  /** Marks every message up to and including `offset` done and commits when due. */
  commit(offset: string): Promise<void>;
  /** Tells the group this member is alive during long work. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition went to another member: leave the rest undone. */
  live(): boolean;
}

export interface TicketConsumerHandlers {
  onBatch(batch: PartitionBatch): Promise<void>;
  onAssignment(partitions: number[]): void;
  onRevocation(): void;
  onCrash(message: string, willRestart: boolean): void;
}

export interface TicketConsumerOptions {
  groupId: string;
  topic: string;
  sessionTimeoutMs: number;
  /** Partitions whose batches are handled at the same time. */
  parallelPartitions: number;
}

export interface TicketConsumer {
  start(handlers: TicketConsumerHandlers): Promise<void>;
  /** Leaves the group after the batches in hand return. */
  stop(): Promise<void>;
}

export function ticketConsumer(kafka: Kafka, o: TicketConsumerOptions): TicketConsumer {
  const consumer = kafka.consumer({
    groupId: o.groupId,
    sessionTimeout: o.sessionTimeoutMs,
    rebalanceTimeout: 60_000,
    // kafkajs heartbeats from the consumer loop (between chunks and retries), at most every third of the session.
    heartbeatInterval: Math.min(3_000, Math.floor(o.sessionTimeoutMs / 3)),
    // Events carry four columns (~200 bytes): 1 MB is ~5,000 of them per partition and fetch, ten moves' worth;
    // 4 MB held ~20,000 decoded messages per partition in memory for no gain in speed.
    maxBytesPerPartition: 1024 * 1024,
  });
  const batchOf = (p: EachBatchPayload): PartitionBatch => ({
    partition: p.batch.partition,
    messages: p.batch.messages.map((m: KafkaMessage) => ({
      key: m.key,
      value: m.value,
      offset: m.offset,
      timestampMs: Number(m.timestamp),
      headers: m.headers,
    })),
    async commit(offset) {
      p.resolveOffset(offset);
      await p.commitOffsetsIfNecessary();
    },
    heartbeat: () => p.heartbeat(),
    live: () => p.isRunning() && !p.isStale(),
  });
  return {
    async start(h) {
      consumer.on(consumer.events.GROUP_JOIN, (e) =>
        h.onAssignment([...(e.payload.memberAssignment[o.topic] ?? [])].sort((a, b) => a - b)),
      );
      consumer.on(consumer.events.REBALANCING, () => h.onRevocation());
      consumer.on(consumer.events.CRASH, (e) => h.onCrash(e.payload.error.message, e.payload.restart));
      await guardedKafka('joining the consumer group', () => consumer.connect());
      // A new group reads the topic from its start: the snapshot of existing tickets is part of the work.
      await guardedKafka(`subscribing to ${o.topic}`, () =>
        consumer.subscribe({ topic: o.topic, fromBeginning: true }),
      );
      await consumer.run({
        eachBatchAutoResolve: false,
        autoCommitInterval: 1000,
        partitionsConsumedConcurrently: o.parallelPartitions,
        eachBatch: (p) => h.onBatch(batchOf(p)),
      });
    },
    stop: () => consumer.disconnect(),
  };
}
