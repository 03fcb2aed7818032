// Change events of the help desks' tables, read through their specs: keys of every type, activity columns of type
// timestamp without time zone (Kafka Connect's wall-clock milliseconds, in the spec's zone), and the row filter that
// says whether a ticket can turn cold at all (statuses RT's lifecycle calls inactive, Zammad's closed states).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Partitioners } from 'kafkajs';
import { archiveSpecSchema } from '../../services/core/spec/archiveSpec.ts';
import { eventShape } from '../../services/core/spec/eventShape.ts';
import { wallClockToUtcMs } from '../../services/core/spec/localTime.ts';
import { eventKeyBytes, parseTicketKey } from '../../services/core/spec/ticketKeys.ts';
import { parseTicketEvent } from '../../services/core/ticketEvent.ts';
import { ticketPartition } from '../../services/core/ticketPartition.ts';
import { defaultSpec, exampleSpec } from '../support/specs.ts';

const source = {
  version: '3.0.8.Final',
  connector: 'postgresql',
  name: 'x',
  ts_ms: 1,
  db: 'd',
  schema: 's',
  table: 't',
  txId: 901,
};
const buf = (x: unknown) => Buffer.from(JSON.stringify(x));

describe('change events of the help desks', () => {
  it('Zammad: an integer key, updated_at as UTC wall-clock milliseconds, closed states by the row filter', () => {
    const shape = eventShape(exampleSpec('zammad'));
    const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const closed = parseTicketEvent(
      buf({ id: 7 }),
      buf({ before: null, after: { id: 7, state_id: 4, updated_at: at }, source, op: 'u', ts_ms: 1 }),
      shape,
    );
    assert.ok(closed.kind === 'upsert');
    assert.deepEqual(
      [closed.id, closed.change.activityMs, closed.change.mayTurnCold, closed.change.version],
      ['7', at, true, undefined],
    );
    const open = parseTicketEvent(
      null,
      buf({ before: null, after: { id: 8, state_id: 2, updated_at: at }, source, op: 'c', ts_ms: 1 }),
      shape,
    );
    assert.ok(open.kind === 'upsert' && !open.change.mayTurnCold, 'an open state cannot turn cold: no timer');
  });
  it('Request Tracker: lower-case columns, its own statuses (resolved is not a malformed event)', () => {
    const shape = eventShape(exampleSpec('request-tracker'));
    const e = parseTicketEvent(
      null,
      buf({ before: null, after: { id: 3, status: 'resolved', lastupdated: 0 }, source, op: 'u', ts_ms: 1 }),
      shape,
    );
    assert.ok(e.kind === 'upsert' && e.change.mayTurnCold && e.change.activityMs === 0);
  });
  it('reads a timestamp without time zone in the zone the spec names', () => {
    const spec = archiveSpecSchema.parse({
      table: 'public.t',
      key: { column: 'k', type: 'uuid' },
      activity: { column: 'at', type: 'timestamp', timeZone: 'Europe/Berlin' },
      cold: { when: 't.done' },
    });
    const wall = Date.UTC(2026, 6, 1, 12, 0, 0);
    const key = '0F8FAD5B-D9CB-469F-A165-70867728950E';
    const e = parseTicketEvent(
      null,
      buf({ before: null, after: { k: key, at: wall }, source, op: 'c', ts_ms: 1 }),
      eventShape(spec),
    );
    assert.ok(e.kind === 'upsert');
    assert.equal(e.id, key.toLowerCase(), "the key in PostgreSQL's own text");
    assert.equal(e.change.activityMs, wall - 2 * 3_600_000, 'noon in Berlin in summer is 10:00 UTC');
    assert.equal(
      wallClockToUtcMs(Date.UTC(2026, 0, 1, 12), 'Europe/Berlin'),
      Date.UTC(2026, 0, 1, 11),
      'and 11:00 in winter',
    );
    assert.equal(e.change.mayTurnCold, true, 'without a row filter every ticket may turn cold');
  });
  it('checks and brings a key a person types to its canonical text', () => {
    assert.deepEqual(parseTicketKey('integer', '007'), { key: '7' });
    assert.ok('problem' in parseTicketKey('integer', '2147483648'));
    assert.ok('problem' in parseTicketKey('bigint', '1.5'));
    assert.deepEqual(parseTicketKey('text', 'RT-12'), { key: 'RT-12' });
  });
  it("files a ticket's timer under the partition of its events: the key as JsonConverter writes it", () => {
    const javaCompatible = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 6 }, (_, i) => ({
      partitionId: i,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [],
      isr: [],
    }));
    const key = { column: 'id', type: 'integer' as const };
    for (const id of ['1', '42', '-5', '2147483647']) {
      const bytes = eventKeyBytes(key, id);
      assert.equal(bytes.toString(), `{"id":${id}}`);
      assert.equal(
        ticketPartition(bytes, 6),
        javaCompatible({ topic: 't', partitionMetadata, message: { key: bytes, value: null } }),
      );
    }
    assert.equal(eventKeyBytes({ column: 'Name', type: 'text' }, 'a"b\u0001').toString(), '{"Name":"a\\"b\\u0001"}');
    assert.equal(eventKeyBytes(defaultSpec.key, '9223372036854775807').toString(), '{"id":9223372036854775807}');
  });
});
