// How the services reach Kafka: encrypted (TLS, optionally with a CA of its own) and authenticated (SASL SCRAM or
// PLAIN), from settings named after Kafka's own client properties. Pure: the Kafka edge reads the CA file.
import { ConfigError } from './errors.ts';
import type { Config } from './settings.ts';

export interface KafkaSecurity {
  tls?: { caFile?: string };
  sasl?: { mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain'; username: string; password: string };
}

type KafkaSettings = Pick<
  Config,
  | 'KAFKA_SECURITY_PROTOCOL'
  | 'KAFKA_SSL_CA_FILE'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
>;

/** Throws ConfigError naming what is missing (SASL without a username or password, a CA file without TLS). */
export function kafkaSecurity(s: KafkaSettings): KafkaSecurity {
  const protocol = s.KAFKA_SECURITY_PROTOCOL;
  const tls = protocol === 'SSL' || protocol === 'SASL_SSL';
  const sasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  const problems: string[] = [];
  if (sasl && !s.KAFKA_SASL_USERNAME)
    problems.push(`KAFKA_SASL_USERNAME: required with KAFKA_SECURITY_PROTOCOL=${protocol}`);
  if (sasl && !s.KAFKA_SASL_PASSWORD)
    problems.push(`KAFKA_SASL_PASSWORD: required with KAFKA_SECURITY_PROTOCOL=${protocol}`);
  if (!tls && s.KAFKA_SSL_CA_FILE)
    problems.push(`KAFKA_SSL_CA_FILE: set, but KAFKA_SECURITY_PROTOCOL=${protocol} does not use TLS (SSL or SASL_SSL)`);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...(tls ? { tls: s.KAFKA_SSL_CA_FILE ? { caFile: s.KAFKA_SSL_CA_FILE } : {} } : {}),
    ...(sasl
      ? {
          sasl: {
            mechanism: s.KAFKA_SASL_MECHANISM.toLowerCase() as 'scram-sha-512' | 'scram-sha-256' | 'plain',
            username: s.KAFKA_SASL_USERNAME as string,
            password: s.KAFKA_SASL_PASSWORD as string,
          },
        }
      : {}),
  };
}
