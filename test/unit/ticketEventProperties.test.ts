// Generated inputs for the event parser (fast-check; a failure prints its seed and path, replayed with
// fc.assert(..., { seed, path })): whatever arrives on the topic, the parser either gives an event or throws its
// MalformedEventError, which the archiver dead-letters; anything else would stall a partition.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MalformedEventError } from '../../services/core/errors.ts';
import { capturedColumns, eventShape, type EventShape } from '../../services/core/spec/eventShape.ts';
import { parseTicketEvent } from '../../services/core/ticketEvent.ts';
import { defaultShape, exampleSpec } from '../support/specs.ts';

const RUNS = 2000;

// Every shipped spec's event shape: integer and bigint keys, timestamptz as text and timestamp as epoch
// milliseconds, row filters by text and by id, a version column and xmin.
const shapes: EventShape[] = (['default', 'zammad', 'znuny', 'request-tracker'] as const).map((n) =>
  eventShape(exampleSpec(n)),
);
const anyShape = fc.constantFrom(...shapes);

function parsesOrRefuses(shape: EventShape, key: Buffer | null, value: Buffer | null): void {
  try {
    parseTicketEvent(key, value, shape);
  } catch (err) {
    if (!(err instanceof MalformedEventError))
      throw new Error(`threw ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
    assert.ok(err.message.length > 0, 'the error names its cause');
  }
}

const bytes = fc.option(
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  { nil: null },
);
const json = (a: fc.Arbitrary<unknown>) =>
  fc.option(
    a.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    { nil: null },
  );

// Numbers as JSON can write them, including integers beyond 2^53 spelled out in full (which JSON.stringify of a
// number never produces).
const anyInteger = fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n });
const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  anyInteger.map((n) => ({ $big: n.toString() })),
);
const timestamp = fc
  .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString().replace(/\.\d+Z$/, '.123456Z'));
// The columns of every shape, each with a value of its own type, of another, or absent.
const columns = [...new Set(shapes.flatMap(capturedColumns))];
const columnValue = fc.oneof(
  anyInteger.map((n) => ({ $big: n.toString() })),
  fc.constantFrom('unassigned', 'in_progress', 'closed', 'infinity', '-infinity'),
  fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
  timestamp,
  fieldValue,
);
const row = fc.record(Object.fromEntries([...columns, 'extra'].map((c) => [c, columnValue])), { requiredKeys: [] });
const envelope = fc.record(
  {
    before: fc.option(row, { nil: null }),
    after: fc.option(row, { nil: null }),
    source: fc.oneof(
      fc.constant({
        version: '3.0.8.Final',
        connector: 'postgresql',
        name: 't',
        ts_ms: 1,
        db: 'd',
        schema: 'public',
        table: 'tickets',
      }),
      fieldValue,
    ),
    op: fc.oneof(fc.constantFrom('c', 'u', 'd', 'r', 't', 'm'), fc.string({ maxLength: 2 })),
    ts_ms: fc.oneof(fc.integer(), fieldValue),
  },
  { requiredKeys: [] },
);
/** JSON text in which {"$big":"N"} stands for the integer N written out. */
const withBigIntegers = (v: unknown) =>
  Buffer.from((JSON.stringify(v) ?? 'null').replace(/\{"\$big":"(-?\d+)"\}/g, '$1'));

describe('parseTicketEvent on generated input', () => {
  it('arbitrary bytes: an event or a MalformedEventError', () => {
    fc.assert(fc.property(anyShape, bytes, bytes, parsesOrRefuses), { numRuns: RUNS });
  });
  it('arbitrary JSON: an event or a MalformedEventError', () => {
    fc.assert(fc.property(anyShape, json(fc.jsonValue()), json(fc.jsonValue()), parsesOrRefuses), { numRuns: RUNS });
  });
  it('envelope-shaped JSON with wrong, missing and huge fields: an event or a MalformedEventError', () => {
    const key = fc.option(fc.oneof(row, fieldValue).map(withBigIntegers), { nil: null });
    fc.assert(fc.property(anyShape, key, envelope.map(withBigIntegers), parsesOrRefuses), { numRuns: RUNS });
  });
  it('valid events with any id and version of the bigint range: parsed exactly', () => {
    const id = fc.bigInt({ min: 1n, max: 2n ** 63n - 1n });
    const version = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });
    fc.assert(
      fc.property(id, version, fc.constantFrom('c', 'u', 'r'), (i, v, op) => {
        const after = {
          id: { $big: i.toString() },
          status: 'closed',
          last_operated_at: '2026-01-01T00:00:00.000000Z',
          version: { $big: v.toString() },
        };
        const source = {
          version: '3.0.8.Final',
          connector: 'postgresql',
          name: 't',
          ts_ms: 1,
          db: 'd',
          schema: 'public',
          table: 'tickets',
        };
        const e = parseTicketEvent(
          withBigIntegers({ id: { $big: i.toString() } }),
          withBigIntegers({ before: null, after, source, op, ts_ms: 1 }),
          defaultShape,
        );
        assert.ok(e.kind === 'upsert');
        assert.deepEqual([e.id, e.change.version, e.change.mayTurnCold], [i.toString(), v.toString(), true]);
      }),
      { numRuns: RUNS },
    );
  });
});
