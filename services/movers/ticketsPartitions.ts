// The tickets topic's partition count, for the movers that do not consume the topic (reconciler, backfill): timers
// are filed under the partition of a ticket's events, so that the archiver owning it fires them. That is all they
// need Kafka for, so an unreachable Kafka fails them in seconds, saying so, instead of after a minute of retries.
import { StoreUnavailableError, errorMessage } from '../core/errors.ts';
import { kafkaSecurity } from '../core/kafkaSecurity.ts';
import type { Config } from '../core/settings.ts';
import { connectKafka } from '../edges/kafka/index.ts';

type KafkaSettings = { TICKETS_TOPIC: string } & Pick<
  Config,
  | 'KAFKA_BROKERS'
  | 'KAFKA_SECURITY_PROTOCOL'
  | 'KAFKA_SSL_CA_FILE'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
>;

export async function ticketsPartitionCount(s: KafkaSettings, clientId: string): Promise<number> {
  try {
    const kafka = await connectKafka({
      brokers: s.KAFKA_BROKERS,
      clientId,
      quiet: true,
      retry: { retries: 2, initialRetryTime: 300, maxRetryTime: 1000 },
      security: kafkaSecurity(s),
    });
    try {
      return await kafka.partitionCount(s.TICKETS_TOPIC);
    } finally {
      await kafka.close();
    }
  } catch (err) {
    throw new StoreUnavailableError(
      'kafka',
      `Kafka is needed only for the partition count of ${s.TICKETS_TOPIC} (timers are filed under the partition of a ` +
        `ticket's events), and it could not be read: ${errorMessage(err)}`,
      undefined,
      err,
    );
  }
}
