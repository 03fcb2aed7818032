import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addTrips,
  queryLabel,
  rotation,
  roundRatios,
  summarize,
  tripsPerBatch,
  tripsSince,
  type BackfillMeasure,
} from '../bench/aggregateMath.ts';

test('rotation moves the first workload one place back each round', () => {
  const w = ['parts', 'roots', 'single'];
  assert.deepEqual(rotation(w, 0), ['parts', 'roots', 'single']);
  assert.deepEqual(rotation(w, 1), ['roots', 'single', 'parts']);
  assert.deepEqual(rotation(w, 2), ['single', 'parts', 'roots']);
  assert.deepEqual(rotation(w, 3), w);
  assert.deepEqual(rotation([], 2), []);
});

test('queryLabel names the statements of a move by verb and table', () => {
  const roots = `SELECT t.*, t."id"::text AS "ticket_archiver.key", t.xmin::text AS "ticket_archiver.version",
         pg_snapshot_xmax(s.snap)::text AS "ticket_archiver.xmax",
         (SELECT count(*) FROM pg_snapshot_xip(s.snap))::text AS "ticket_archiver.in_progress"
    FROM "zammad"."tickets" t, (SELECT pg_current_snapshot() AS snap) s WHERE t."id" = ANY($1::integer[])`;
  assert.equal(queryLabel(roots), 'SELECT zammad.tickets (rows)');
  assert.equal(
    queryLabel(`SELECT p.*, p."id"::text AS "ticket_archiver.key" FROM "zammad"."stores" p WHERE p."o_id" = ANY($1)`),
    'SELECT zammad.stores (rows)',
  );
  assert.equal(queryLabel('SELECT * FROM "zammad"."stores" LIMIT 0'), 'SELECT zammad.stores (shape)');
  assert.equal(
    queryLabel('SELECT p."id"::text AS key, p.xmin::text AS version FROM "zammad"."stores" p WHERE true'),
    'SELECT zammad.stores',
  );
  assert.equal(
    queryLabel('SELECT l.key FROM ticket_archiver."lock_part_articles"($1::text[], $2::text[]) l'),
    'SELECT ticket_archiver.lock_part_articles',
  );
  assert.equal(queryLabel('LOCK TABLE "zammad"."tags" IN ROW EXCLUSIVE MODE'), 'LOCK zammad.tags');
  assert.equal(queryLabel('DELETE FROM "zammad"."tags" p WHERE p."id" = ANY($1)'), 'DELETE zammad.tags');
  assert.equal(
    queryLabel('WITH deleted AS (\n DELETE FROM "zammad"."tickets" t USING x) , recorded AS (INSERT INTO l) SELECT 1'),
    'DELETE zammad.tickets (WITH)',
  );
  assert.equal(queryLabel('SET LOCAL lock_timeout = 5000'), 'SET lock_timeout');
  assert.equal(queryLabel('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'), 'BEGIN');
  assert.equal(queryLabel('  commit'), 'COMMIT');
  assert.equal(queryLabel('SELECT 1'), 'SELECT (no table)');
  assert.equal(queryLabel('INSERT INTO ticket_archiver.ledger (a) VALUES (1)'), 'INSERT ticket_archiver.ledger');
});

test('tripsPerBatch divides every kind by the batches (root re-reads), most frequent first', () => {
  const trips = addTrips(
    { 'pg SELECT t (rows)': { calls: 4, ms: 40 }, 'pg LOCK p': { calls: 8, ms: 4 } },
    { 'pg LOCK p': { calls: 8, ms: 4 }, 'cold tickets.bulkWrite': { calls: 4, ms: 400 } },
  );
  assert.deepEqual(trips['pg LOCK p'], { calls: 16, ms: 8 });
  const per = tripsPerBatch(trips, 'pg SELECT t (rows)');
  assert.equal(per.batches, 4);
  assert.deepEqual(
    per.kinds.map((k) => [k.label, k.perBatch, k.msPerBatch]),
    [
      ['pg LOCK p', 4, 2],
      ['cold tickets.bulkWrite', 1, 100],
      ['pg SELECT t (rows)', 1, 10],
    ],
  );
  assert.deepEqual(tripsPerBatch(trips, 'absent'), { batches: 0, kinds: [] });
});

test('tripsSince counts the calls from the plan on by label, and those before it apart', () => {
  const { trips, before } = tripsSince(
    [
      ['pg SELECT pg_constraint', 900, 2],
      ['pg BEGIN', 1000, 0.25],
      ['pg BEGIN', 1500, 0.5],
      ['cold tickets.bulkWrite', 1200, 100.04],
    ],
    1000,
  );
  assert.equal(before, 1);
  assert.deepEqual(trips, { 'pg BEGIN': { calls: 2, ms: 0.8 }, 'cold tickets.bulkWrite': { calls: 1, ms: 100 } });
});

const measure = (workload: BackfillMeasure['workload'], round: number, moved: number, seconds: number) =>
  ({
    workload,
    round,
    startedAt: 0,
    expected: { tickets: moved * 2, partRows: 40 * moved * 2, textBytes: 50_000 * moved * 2, byPart: {} },
    moved,
    seconds,
    wallSeconds: seconds + 3,
    wal: { bytes: 1000 * moved, records: 100, fpi: 25 },
    vacuum: { seconds: 1, walBytes: 10 * moved },
    coldGrowth: { dataBytes: 2000 * moved, storageBytes: 3000 * moved },
    mover: { cpuSeconds: seconds / 2, peakRssMB: 100 + round },
    cpuByComponent: { 'hot PostgreSQL': 1.25 },
    trips: {},
    tripsAtStart: 0,
    outcomes: {},
    exitCode: 0,
  }) satisfies BackfillMeasure;

test('summarize sums rounds and scales the expected rows and text to the tickets moved', () => {
  const s = summarize([measure('parts', 0, 100, 10), measure('parts', 1, 300, 10)]);
  assert.equal(s.moved, 400);
  assert.equal(s.expected, 800);
  assert.equal(s.ticketsPerSecond, 20);
  // Half of each round's expected set moved: half its part rows and text.
  assert.equal(s.partRowsPerSecond, 800);
  assert.equal(s.textMBPerSecond, 1);
  assert.equal(s.walBytesPerTicket, 1000);
  assert.equal(s.walFpiShare, 0.25);
  assert.equal(s.walRecordsPerTicket, 0.5);
  assert.equal(s.walFpiPerTicket, 0.13);
  assert.equal(s.vacuumWalBytesPerTicket, 10);
  assert.equal(s.coldStorageBytesPerTicket, 3000);
  assert.equal(s.wallSeconds, 26);
  assert.equal(s.moverCpuMsPerTicket, 25);
  assert.equal(s.moverPeakRssMB, 101);
  assert.deepEqual(s.cpuByComponent, { 'hot PostgreSQL': 2.5 });
  assert.deepEqual(s.perRound, [10, 30]);
  assert.throws(() => summarize([]));
});

test('roundRatios compares two workloads round by round', () => {
  const runs = [
    measure('parts', 0, 100, 10),
    measure('roots', 0, 100, 1),
    measure('parts', 1, 100, 20),
    measure('roots', 1, 100, 4),
    measure('single', 1, 100, 2),
  ];
  assert.deepEqual(roundRatios(runs, 'parts', 'roots'), { median: 0.1, min: 0.1, max: 0.2, runs: [0.1, 0.2] });
  assert.deepEqual(roundRatios(runs, 'roots', 'single')?.runs, [0.5]);
  assert.equal(roundRatios(runs, 'parts', 'parts')?.median, 1);
  assert.equal(roundRatios([measure('parts', 0, 1, 1)], 'parts', 'roots'), null);
});
