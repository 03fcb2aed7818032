// The environment a `ticket-archiver` command gets in the tests: the stack's connection settings as the services read
// them, then the test's own.
import type { StackEnv } from '../../infra/local/stack.ts';

export function archiverEnv(env: StackEnv, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: env.DATABASE_URL,
    MIGRATIONS_DATABASE_URL: env.MIGRATIONS_DATABASE_URL,
    RESTORE_DATABASE_URL: env.RESTORE_DATABASE_URL,
    READ_DATABASE_URL: env.READ_DATABASE_URL,
    KAFKA_BROKERS: env.KAFKA_BROKERS,
    MONGODB_URL: env.MONGODB_URL,
    KAFKA_CONNECT_URL: env.KAFKA_CONNECT_URL,
    TICKETS_TOPIC: env.TICKETS_TOPIC,
    ...kafkaSecurityVariables(env),
    HTTP_PORT: '0',
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

/** A TLS stack's Kafka settings (SASL_SSL, SCRAM user, CA), as the services read them. */
function kafkaSecurityVariables(env: StackEnv): Record<string, string> {
  const keys = [
    'KAFKA_SECURITY_PROTOCOL',
    'KAFKA_SSL_CA_FILE',
    'KAFKA_SASL_MECHANISM',
    'KAFKA_SASL_USERNAME',
    'KAFKA_SASL_PASSWORD',
  ] as const;
  return Object.fromEntries(keys.flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
}
