// Generated rows over every column type the table may gain (fast-check; a failure prints its seed and path): each row
// goes into the real PostgreSQL, is read as the movers read it, becomes a cold document that the real cold store holds,
// and comes back through restore's typed SELECT (rowFromText.ts) equal to the original, column by column, as text.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Long, MongoClient } from 'mongodb';
import type pg from 'pg';
import { restorableRow, toColdDocument, type RowText } from '../../services/core/move/coldDocument.ts';
import { fromStored, keyCodec, toStored } from '../../services/edges/coldStore/documents.ts';
import { createTextPool } from '../../services/edges/hotStore/pool.ts';
import { liveColumns, selectFromText } from '../../services/edges/hotStore/rowFromText.ts';
import { useStackDatabase } from '../support/stack.ts';

const stack = useStackDatabase();
const TABLE = 'public.test_row_round_trip';
const RUNS = 300;
// Columns typed beside the row, as a spec's list and activity columns are: every value either typed or named untyped.
const TYPED = ['c_integer', 'c_bigint', 'c_timestamptz', 'c_timestamp', 'c_text'];

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 6 });
const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
// PostgreSQL's dates begin in 4713 BC.
const date = fc.oneof(
  fc.record({
    y: fc.integer({ min: 1, max: 9999 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    bc: fc.constant(false),
  }),
  fc.record({
    y: fc.integer({ min: 1, max: 4712 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    bc: fc.constant(true),
  }),
);
const clock = fc.record({
  h: fc.integer({ min: 0, max: 23 }),
  mi: fc.integer({ min: 0, max: 59 }),
  s: fc.integer({ min: 0, max: 59 }),
  us: fc.integer({ min: 0, max: 999_999 }),
});
const dateText = date.map((x) => `${pad(x.y, 4)}-${pad(x.m)}-${pad(x.d)}${x.bc ? ' BC' : ''}`);
const clockText = clock.map((c) => `${pad(c.h)}:${pad(c.mi)}:${pad(c.s)}.${pad(c.us, 6)}`);
const noNul = (s: string) => s.replaceAll('\u0000', '');

/** Column name -> [SQL type, values as the text PostgreSQL reads (or a JS array for array types)]. */
const COLUMNS: Record<string, [string, fc.Arbitrary<unknown>]> = {
  c_smallint: ['smallint', fc.integer({ min: -32768, max: 32767 }).map(String)],
  c_integer: ['integer', fc.integer().map(String)],
  c_bigint: ['bigint', fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String)],
  c_numeric: [
    'numeric',
    fc.oneof(
      fc
        .tuple(fc.boolean(), digits(1, 40), digits(0, 30))
        .map(([neg, i, f]) => `${neg ? '-' : ''}${i}${f ? `.${f}` : ''}`),
      fc.constantFrom('NaN', 'Infinity', '-Infinity', '0.000'),
    ),
  ],
  c_numeric_scaled: [
    'numeric(38,12)',
    fc.tuple(fc.boolean(), digits(1, 26), digits(0, 12)).map(([neg, i, f]) => `${neg ? '-' : ''}${i}.${f || '0'}`),
  ],
  c_real: [
    'real',
    fc
      .float()
      .map((x) => (Number.isNaN(x) ? 'NaN' : x === Infinity ? 'Infinity' : x === -Infinity ? '-Infinity' : String(x))),
  ],
  c_double: [
    'double precision',
    fc
      .double()
      .map((x) => (Number.isNaN(x) ? 'NaN' : x === Infinity ? 'Infinity' : x === -Infinity ? '-Infinity' : String(x))),
  ],
  c_text: ['text', fc.string({ unit: 'binary', maxLength: 200 }).map(noNul)],
  c_varchar: [
    'varchar(20)',
    fc
      .string({ unit: 'grapheme', maxLength: 20 })
      .map(noNul)
      .filter((s) => [...s].length <= 20),
  ],
  c_char: ['char(5)', fc.string({ unit: 'grapheme-ascii', maxLength: 5 }).map(noNul)],
  c_bool: ['boolean', fc.boolean().map(String)],
  c_bytea: ['bytea', fc.uint8Array({ maxLength: 300 }).map((b) => `\\x${Buffer.from(b).toString('hex')}`)],
  c_uuid: ['uuid', fc.uuid()],
  c_date: ['date', fc.oneof(dateText, fc.constantFrom('infinity', '-infinity'))],
  c_time: ['time', clockText],
  c_timetz: [
    'timetz',
    fc
      .tuple(clockText, fc.integer({ min: -14, max: 14 }))
      .map(([t, z]) => `${t}${z < 0 ? '-' : '+'}${pad(Math.abs(z))}`),
  ],
  c_timestamp: [
    'timestamp',
    fc.oneof(
      fc.tuple(dateText, clockText).map(([d, t]) => (d.endsWith(' BC') ? `${d.slice(0, -3)} ${t} BC` : `${d} ${t}`)),
      fc.constantFrom('infinity', '-infinity'),
    ),
  ],
  c_timestamptz: [
    'timestamptz',
    fc.oneof(
      fc
        .tuple(dateText, clockText)
        .map(([d, t]) => (d.endsWith(' BC') ? `${d.slice(0, -3)} ${t}+00 BC` : `${d} ${t}+00`)),
      fc.constantFrom('infinity', '-infinity', '294276-12-31 23:59:59.999999+00'),
    ),
  ],
  c_interval: [
    'interval',
    fc
      .tuple(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: -400, max: 400 }),
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.integer({ min: 0, max: 999_999 }),
      )
      .map(([mo, d, s, us]) => `${mo} months ${d} days ${s}.${pad(us, 6)} seconds`),
  ],
  c_json: ['json', fc.jsonValue().map((v) => JSON.stringify(v, null, 1))],
  c_jsonb: [
    'jsonb',
    fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .tuple(fc.constantFrom(...'123456789'), digits(17, 40))
        .map(([lead, d]) => `{"big": ${lead}${d}, "exp": 1e400}`),
    ),
  ],
  c_text_array: [
    'text[]',
    fc.array(fc.option(fc.string({ unit: 'binary', maxLength: 20 }).map(noNul), { nil: null }), { maxLength: 5 }),
  ],
  c_int_array: ['integer[]', fc.array(fc.integer(), { maxLength: 5 }).map((a) => a.map(String))],
  c_inet: ['inet', fc.oneof(fc.ipV4(), fc.ipV6())],
};
const NAMES = Object.keys(COLUMNS);
const sqlType = (name: string) => (COLUMNS[name] as [string, unknown])[0];
const rowArbitrary = fc.record(
  Object.fromEntries(NAMES.map((n) => [n, opt((COLUMNS[n] as [string, fc.Arbitrary<unknown>])[1])])),
);

describe('a row over every column type, hot -> cold -> hot', () => {
  let text: pg.Pool;
  let mongo: MongoClient;
  before(async () => {
    await stack.db.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await stack.db.query(
      `CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, version bigint NOT NULL, ${NAMES.map((n) => `${n} ${sqlType(n)}`).join(', ')})`,
    );
    text = createTextPool(stack.env.MIGRATIONS_DATABASE_URL, 'test-round-trip', 2, () => undefined);
    mongo = await MongoClient.connect(stack.env.MONGODB_URL);
    await mongo.db('ticket_archive_test').collection('round_trip').deleteMany({});
  });
  after(async () => {
    await stack.db.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await text?.end();
    await mongo?.close();
  });

  it('is exact for generated rows, through the real PostgreSQL and the real cold store', async () => {
    const { rows: types } = await text.query<{ name: string; type: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
      [TABLE],
    );
    const columns = Object.fromEntries(types.map((t) => [t.name, t.type]));
    const collection = mongo.db('ticket_archive_test').collection('round_trip');
    const keys = keyCodec('bigint');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(rowArbitrary, async (values) => {
        const id = String(++n);
        await stack.db.query(
          `INSERT INTO ${TABLE} (id, version, ${NAMES.join(', ')}) VALUES ($1, 1, ${NAMES.map((c, i) => `$${i + 2}::${sqlType(c)}`).join(', ')})`,
          [id, ...NAMES.map((c) => values[c])],
        );
        const [original] = (await text.query<RowText>(`SELECT * FROM ${TABLE} WHERE id = $1`, [id])).rows;
        assert.ok(original);
        const doc = toColdDocument(
          { key: id, version: '1', row: original },
          {
            columns,
            typed: TYPED,
            timeZone: 'UTC',
            readStamp: 1n,
            mover: 'round-trip',
            now: new Date(),
          },
        );
        await collection.insertOne(toStored(doc, keys) as unknown as Record<string, unknown>);
        const stored = await collection.findOne({ _id: Long.fromString(id) } as Record<string, unknown>);
        const cold = fromStored(stored as unknown as Parameters<typeof fromStored>[0], keys);
        assert.deepEqual(cold.row, original, 'the cold store holds the row exactly');
        for (const c of ['c_integer', 'c_bigint'])
          assert.equal(cold.fields[c] === null ? null : String(cold.fields[c]), original[c] ?? null, `typed ${c}`);
        assert.equal(cold.fields.c_text, original.c_text ?? null, 'text typed as itself');
        const back = selectFromText(await liveColumns(text, TABLE), restorableRow(cold));
        const [restored] = (await text.query<RowText>(`SELECT ${back.select}`, back.params)).rows;
        assert.deepEqual(restored, original, 'restore gives back every column equal');
      }),
      { numRuns: RUNS, verbose: 1 },
    );
  });
});
