import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../services/core/errors.ts';
import { loadConfig } from '../../services/core/settings.ts';
import { archiverSchema } from '../../services/archiver/settings.ts';
import { withSpec } from '../../services/cli/archiveSpec.ts';
import { specFile } from '../support/specs.ts';

const good = {
  DATABASE_URL: 'postgres://a:b@127.0.0.1:5432/tickets',
  KAFKA_BROKERS: '127.0.0.1:9092, kafka-1:9092',
  MONGODB_URL: 'mongodb://127.0.0.1:27017/',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('accepts a valid environment and applies defaults', () => {
    const c = loadConfig(good);
    assert.deepEqual(c.KAFKA_BROKERS, ['127.0.0.1:9092', 'kafka-1:9092']);
    assert.equal(c.COLD_AFTER, 30 * 86_400_000);
    assert.equal(c.TICKETS_TOPIC, undefined, 'the topic follows from the spec unless set');
    assert.equal(withSpec(c).settings.TICKETS_TOPIC, 'ticketdb.public.tickets', "the default spec's table");
    const zammad = withSpec({ ...c, ARCHIVE_SPEC: specFile('zammad') });
    assert.equal(zammad.settings.TICKETS_TOPIC, 'ticketdb.zammad.tickets');
    assert.equal(withSpec({ ...c, TICKETS_TOPIC: 'mine' }).settings.TICKETS_TOPIC, 'mine', 'TICKETS_TOPIC wins');
  });
  it('names COLD_AFTER and the expected form when it is not a duration', () => {
    const p = problems({ ...good, COLD_AFTER: 'soon' });
    assert.equal(p.length, 1);
    assert.match(p[0] ?? '', /^COLD_AFTER: expected a whole number followed by ms, s, m, h or d .*"soon"/);
  });
  it('reports every bad variable at once, each by name', () => {
    const p = problems({ DATABASE_URL: 'mysql://x', KAFKA_BROKERS: 'no-port', COLD_AFTER: '0s' });
    const names = p.map((x) => x.split(':')[0]).sort();
    assert.deepEqual(names, ['COLD_AFTER', 'DATABASE_URL', 'KAFKA_BROKERS', 'MONGODB_URL']);
  });
  it('accepts short ages for tests', () => {
    assert.equal(loadConfig({ ...good, COLD_AFTER: '10s' }).COLD_AFTER, 10_000);
  });
  it('keeps the archiver session timeout within what the broker accepts', () => {
    assert.equal(loadConfig(good, archiverSchema).ARCHIVER_SESSION_TIMEOUT, 10_000);
    assert.equal(
      loadConfig({ ...good, ARCHIVER_SESSION_TIMEOUT: '45s' }, archiverSchema).ARCHIVER_SESSION_TIMEOUT,
      45_000,
    );
    let problems: string[] = [];
    try {
      loadConfig({ ...good, ARCHIVER_SESSION_TIMEOUT: '2s' }, archiverSchema);
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      problems = err.problems;
    }
    assert.deepEqual(problems, ['ARCHIVER_SESSION_TIMEOUT: expected between 6s and 30m']);
  });
  it('moves two partitions at once by default and names a bad PARALLEL_PARTITIONS', () => {
    assert.equal(loadConfig(good, archiverSchema).PARALLEL_PARTITIONS, 2);
    assert.equal(loadConfig({ ...good, PARALLEL_PARTITIONS: '6' }, archiverSchema).PARALLEL_PARTITIONS, 6);
    for (const bad of ['0', '2.5', 'many', '33']) {
      assert.throws(
        () => loadConfig({ ...good, PARALLEL_PARTITIONS: bad }, archiverSchema),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.problems.length === 1 &&
          /^PARALLEL_PARTITIONS: expected a whole number of partitions moved at once/.test(err.problems[0] ?? ''),
      );
    }
  });
});
