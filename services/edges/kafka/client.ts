// The one place that builds kafkajs clients, so client id, logging and retry policy are set the same everywhere, and
// the translation of kafkajs's failures into the product's errors (retriable or not).
import { readFileSync } from 'node:fs';
import kafkajs, { Kafka, logLevel, type RetryOptions, type SASLOptions } from 'kafkajs';
import { ConfigError, StoreRefusedError, StoreUnavailableError, TicketArchiverError } from '../../core/errors.ts';
import type { KafkaSecurity } from '../../core/kafkaSecurity.ts';

// kafkajs is CommonJS; Node's ESM loader does not see its error classes as named exports.
const { KafkaJSError, KafkaJSNumberOfRetriesExceeded } = kafkajs;

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  retry?: RetryOptions;
  quiet?: boolean;
  security?: KafkaSecurity;
}

function caOf(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`KAFKA_SSL_CA_FILE: cannot read ${file}: ${(err as Error).message}`]);
  }
}

export function createKafka(o: KafkaOptions): Kafka {
  const tls = o.security?.tls;
  return new Kafka({
    clientId: o.clientId,
    brokers: o.brokers,
    ...(tls ? { ssl: tls.caFile ? { ca: [caOf(tls.caFile)] } : true } : {}),
    // A copy: kafkajs caches its authenticator, credentials included, on the options object it is given, so a caller's
    // object spread into another client's options would carry the first one's credentials along.
    ...(o.security?.sasl ? { sasl: { ...o.security.sasl } as SASLOptions } : {}),
    logLevel: o.quiet ? logLevel.NOTHING : logLevel.WARN,
    connectionTimeout: 5000,
    retry: o.retry ?? { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
}

/** kafkajs's failure as the product's error. kafkajs says itself whether a retry can cure an error; once its own
 * retries are used up (a broker down for long), the cause is still one that passes. */
export function kafkaError(err: unknown, doing: string): Error {
  if (err instanceof TicketArchiverError) return err;
  const message = `Kafka, ${doing}: ${(err as Error)?.message ?? String(err)}`;
  const code = (err as { type?: unknown }).type;
  const type = typeof code === 'string' ? code : undefined;
  if (err instanceof KafkaJSError && !err.retriable && !(err instanceof KafkaJSNumberOfRetriesExceeded)) {
    return new StoreRefusedError('kafka', message, type, err);
  }
  return new StoreUnavailableError('kafka', message, type, err);
}

export async function guardedKafka<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw kafkaError(err, doing);
  }
}
