// Every error the product throws says whether retrying can cure it; each edge translates its driver's failures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import { MongoNetworkError, MongoServerError } from 'mongodb';
import {
  ConfigError,
  isRetriable,
  MalformedEventError,
  StoreRefusedError,
  StoreUnavailableError,
  TableShapeChangedError,
} from '../../services/core/errors.ts';
import { coldStoreError } from '../../services/edges/coldStore/connection.ts';
import { hotStoreError } from '../../services/edges/hotStore/pool.ts';
import { kafkaError } from '../../services/edges/kafka/client.ts';

const { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } = kafkajs;

describe('isRetriable', () => {
  it("takes the product's errors at their word", () => {
    assert.equal(isRetriable(new StoreUnavailableError('postgres', 'down')), true);
    assert.equal(isRetriable(new TableShapeChangedError('ALTER TABLE')), true);
    assert.equal(isRetriable(new StoreRefusedError('postgres', 'permission denied', '42501')), false);
    assert.equal(isRetriable(new MalformedEventError('not JSON')), false);
    assert.equal(isRetriable(new ConfigError(['COLD_AFTER: bad'])), false);
  });
  it('never retries what JavaScript itself refused, and retries an unclassified library failure', () => {
    assert.equal(isRetriable(new TypeError('x is undefined')), false);
    assert.equal(isRetriable(new RangeError('bad')), false);
    assert.equal(isRetriable(new Error('socket hang up')), true);
  });
});

describe("the edges translate their drivers' failures", () => {
  it('PostgreSQL: locks, timeouts and lost connections pass; privileges and constraints do not', () => {
    const pgError = (code: string | undefined, message: string) =>
      Object.assign(new Error(message), code ? { code } : {});
    for (const [code, message] of [
      ['55P03', 'lock timeout'],
      ['57P01', 'terminating connection'],
      ['08006', 'connection failure'],
      [undefined, 'Connection terminated unexpectedly'],
    ] as const) {
      const e = hotStoreError(pgError(code, message), 'reading tickets');
      assert.ok(e instanceof StoreUnavailableError && isRetriable(e), `${code} ${message}`);
      assert.match(e.message, /^PostgreSQL, reading tickets: /);
    }
    for (const code of ['42501', '42P01', '23503', '22P02']) {
      const e = hotStoreError(pgError(code, 'no'), 'reading tickets');
      assert.ok(e instanceof StoreRefusedError && !isRetriable(e) && e.code === code, code);
    }
  });
  it('the cold store: an unreachable server or a failover passes; an authorization or a bad value does not', () => {
    assert.equal(isRetriable(coldStoreError(new MongoNetworkError('connection reset'), 'writing copies')), true);
    assert.equal(
      isRetriable(coldStoreError(new MongoServerError({ code: 91, errmsg: 'shutdown in progress' }), 'writing copies')),
      true,
    );
    const refused = coldStoreError(new MongoServerError({ code: 13, errmsg: 'not authorized' }), 'writing copies');
    assert.ok(refused instanceof StoreRefusedError && refused.code === '13');
  });
  it('Kafka: kafkajs says what passes; its retries used up still pass', () => {
    assert.equal(isRetriable(kafkaError(new KafkaJSConnectionError('ECONNREFUSED'), 'sending')), true);
    assert.equal(
      isRetriable(
        kafkaError(new KafkaJSNumberOfRetriesExceeded(new Error('down'), { retryCount: 5, retryTime: 100 }), 'sending'),
      ),
      true,
    );
    assert.equal(isRetriable(kafkaError(new KafkaJSNonRetriableError('message too large'), 'sending')), false);
  });
});
