import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../services/core/errors.ts';
import { kafkaSecurity } from '../../services/core/kafkaSecurity.ts';
import { configSchema, loadConfig } from '../../services/core/settings.ts';

const base = { DATABASE_URL: 'postgres://a:b@h:5432/t', KAFKA_BROKERS: 'k:9093', MONGODB_URL: 'mongodb://h:27017/' };
const settings = (extra: Record<string, string>) => loadConfig({ ...base, ...extra }, configSchema);

describe('Kafka security settings', () => {
  it('plaintext by default', () => {
    assert.deepEqual(kafkaSecurity(settings({})), {});
  });
  it('TLS with a CA of its own and SCRAM, as a Strimzi listener with tls and scram-sha-512 needs', () => {
    const s = settings({
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SSL_CA_FILE: '/etc/kafka-ca/ca.crt',
      KAFKA_SASL_USERNAME: 'ticket-archiver',
      KAFKA_SASL_PASSWORD: 'secret',
    });
    assert.deepEqual(kafkaSecurity(s), {
      tls: { caFile: '/etc/kafka-ca/ca.crt' },
      sasl: { mechanism: 'scram-sha-512', username: 'ticket-archiver', password: 'secret' },
    });
    assert.deepEqual(kafkaSecurity(settings({ KAFKA_SECURITY_PROTOCOL: 'SSL' })), { tls: {} });
  });
  it('names what is missing or contradictory, never a secret', () => {
    assert.throws(
      () => kafkaSecurity(settings({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_PASSWORD: 'hunter2-secret' })),
      (err: unknown) =>
        err instanceof ConfigError &&
        /KAFKA_SASL_USERNAME: required/.test(err.message) &&
        !err.message.includes('hunter2'),
    );
    assert.throws(
      () => kafkaSecurity(settings({ KAFKA_SSL_CA_FILE: '/ca.pem' })),
      /KAFKA_SSL_CA_FILE: set, but KAFKA_SECURITY_PROTOCOL=PLAINTEXT/,
    );
    assert.throws(() => settings({ KAFKA_SECURITY_PROTOCOL: 'TLS' }), /KAFKA_SECURITY_PROTOCOL/);
  });
});
