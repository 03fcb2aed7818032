// The archiver's event intake over in-memory stores and a fake partition batch: chunks in order, offsets committed
// only past finished work, transient failures retried, failures retrying cannot cure recorded and passed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createArchiverMetrics } from '../../services/archiver/metrics.ts';
import { eventIntake } from '../../services/archiver/eventIntake.ts';
import { moveRunner } from '../../services/archiver/moveRunner.ts';
import { partitionQueues } from '../../services/archiver/partitionQueues.ts';
import { StoreRefusedError, StoreUnavailableError } from '../../services/core/errors.ts';
import { moveTickets, recordUnmovable } from '../../services/core/move/moveTickets.ts';
import type { DeadLetter, PartitionBatch, TicketMessage } from '../../services/edges/kafka/index.ts';
import { FakeCold, FakeHot, fakeMoveDeps } from '../support/fakeStores.ts';
import { defaultShape } from '../support/specs.ts';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const source = {
  version: '3.0.8.Final',
  connector: 'postgresql',
  name: 'ticketdb',
  ts_ms: 1,
  db: 'tickets',
  schema: 'public',
  table: 'tickets',
};

/** A Debezium update of a ticket closed `daysAgo` days ago (cold after 30). */
function closed(id: number, daysAgo: number, offset: number): TicketMessage {
  const at = new Date(NOW - daysAgo * 86_400_000).toISOString();
  const after = { id, status: 'closed', last_operated_at: at, version: 1 };
  return {
    key: Buffer.from(JSON.stringify({ id })),
    value: Buffer.from(JSON.stringify({ before: null, after, source, op: 'u', ts_ms: 1 })),
    offset: String(offset),
    timestampMs: NOW - 60_000 + offset,
  };
}

function batchOf(messages: TicketMessage[]): PartitionBatch & { committed: string[] } {
  const committed: string[] = [];
  return {
    partition: 3,
    messages,
    committed,
    commit: (o) => Promise.resolve(void committed.push(o)),
    heartbeat: () => Promise.resolve(),
    live: () => true,
  };
}

function setup() {
  const hot = new FakeHot();
  const cold = new FakeCold();
  const metrics = createArchiverMetrics();
  const letters: DeadLetter[] = [];
  const sleeps: number[] = [];
  const deps = fakeMoveDeps(hot, cold);
  const intake = eventIntake({
    shape: defaultShape,
    batchSize: 2,
    coldAfterMs: 30 * 86_400_000,
    dryRun: false,
    queues: partitionQueues(),
    mover: moveRunner(
      { move: (c, origin) => moveTickets(deps, c, origin), giveUp: (c, err) => recordUnmovable(deps, c, err) },
      metrics,
    ),
    setTimers: (timers, now) => cold.setTimers(timers, now),
    deadLetters: { topic: 'tickets.dlq', send: (l) => Promise.resolve(void letters.push(...l)) },
    readLedger: (ids) => hot.readLedger(ids),
    metrics,
    log: pino({ level: 'silent' }),
    retry: { initialDelayMs: 10, maxDelayMs: 10, factor: 1 },
    sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    stopping: () => false,
    now: () => NOW,
  });
  return { hot, cold, intake, letters, sleeps };
}

describe('event intake', () => {
  it('does not retry a chunk whose move fails for a reason retrying cannot cure: its tickets become stuck, the next chunk is handled', async () => {
    const { hot, cold, intake, sleeps } = setup();
    for (const id of ['1', '2', '3', '4']) hot.add(id);
    hot.failures.push(new StoreRefusedError('postgres', 'permission denied for table tickets', '42501'));
    const batch = batchOf([closed(1, 40, 100), closed(2, 40, 101), closed(3, 40, 102), closed(4, 40, 103)]);
    await intake.handleBatch(batch);
    assert.equal(hot.calls.filter((c) => c === 'readColdRows 1,2').length, 1, 'the failing chunk was tried once');
    assert.deepEqual(sleeps, [], 'and never waited on for a retry');
    assert.match(cold.stuck.get('1')?.reason ?? '', /retrying cannot cure it: .*permission denied/);
    assert.equal(cold.stuck.get('2')?.failureClass, 'permanent');
    assert.deepEqual([hot.tickets.has('1'), hot.tickets.has('2')], [true, true], 'its tickets stay hot');
    assert.deepEqual([hot.tickets.has('3'), hot.tickets.has('4')], [false, false], 'the next chunk moved');
    assert.deepEqual(batch.committed, ['101', '103'], 'both chunks committed');
  });

  it('retries a chunk whose move fails transiently, and commits it only once it is done', async () => {
    const { hot, intake, sleeps } = setup();
    hot.add('5');
    hot.failures.push(
      new StoreUnavailableError('postgres', 'connection refused'),
      new StoreUnavailableError('postgres', 'connection refused'),
    );
    const batch = batchOf([closed(5, 40, 200)]);
    await intake.handleBatch(batch);
    assert.equal(sleeps.length, 2, 'two retries');
    assert.equal(hot.tickets.has('5'), false, 'moved on the third attempt');
    assert.deepEqual(batch.committed, ['200']);
  });

  it('tells, while a chunk waits on retries, when its oldest event was produced; nothing once the batch is done', async () => {
    const { hot, intake } = setup();
    hot.add('5');
    hot.failures.push(new StoreUnavailableError('postgres', 'connection refused'));
    const seen: Array<number | undefined> = [];
    const batch = batchOf([closed(5, 40, 200), closed(15, 40, 201)]);
    const original = hot.readColdRows.bind(hot);
    hot.readColdRows = (ids) => (seen.push(intake.oldestPending().get(3)), original(ids));
    await intake.handleBatch(batch);
    assert.deepEqual(seen, [NOW - 60_000 + 200, NOW - 60_000 + 200], "the chunk's oldest message, on each attempt");
    assert.equal(intake.oldestPending().size, 0);
  });

  it('records the tickets of a chunk as stuck when setting its timers fails for good, and goes on', async () => {
    const { hot, cold, intake } = setup();
    hot.add('6', { cold: false });
    cold.setTimers = (timers) =>
      timers.length
        ? Promise.reject(new StoreRefusedError('cold store', 'not authorized on ticket_archive', '13'))
        : Promise.resolve();
    const batch = batchOf([closed(6, 10, 300), closed(7, 40, 301)]);
    await intake.handleBatch(batch);
    assert.deepEqual([...cold.stuck.keys()].sort(), ['6', '7']);
    assert.match(cold.stuck.get('6')?.reason ?? '', /not authorized/);
    assert.deepEqual(batch.committed, ['301']);
  });

  it('does not commit a chunk whose tickets cannot even be recorded as stuck: it waits and is tried again', async () => {
    const { hot, cold, intake, sleeps } = setup();
    hot.add('9');
    hot.failures.push(new StoreRefusedError('postgres', 'permission denied for table tickets', '42501'));
    let refusals = 2; // the move's own attempt to record them, then the intake's
    const recordStuck = cold.recordStuck.bind(cold);
    cold.recordStuck = (items, now) =>
      refusals-- > 0
        ? Promise.reject(new StoreRefusedError('cold store', 'not authorized', '13'))
        : recordStuck(items, now);
    const batch = batchOf([closed(9, 40, 500)]);
    await intake.handleBatch(batch);
    assert.equal(sleeps.length, 1, 'waited once, then tried again');
    assert.equal(hot.tickets.has('9'), false, 'moved once the failure passed');
    assert.deepEqual(batch.committed, ['500']);
  });

  it('dead-letters a malformed message, sets timers for tickets cold later, and commits', async () => {
    const { cold, intake, letters } = setup();
    const bad: TicketMessage = { key: null, value: Buffer.from('not json'), offset: '400', timestampMs: NOW };
    const batch = batchOf([bad, closed(8, 10, 401)]);
    await intake.handleBatch(batch);
    assert.equal(letters.length, 1);
    assert.match(letters[0]?.reason ?? '', /not JSON/);
    assert.equal(cold.timers.get('8')?.dueAt.toISOString(), new Date(NOW + 20 * 86_400_000).toISOString());
    assert.deepEqual(batch.committed, ['401']);
  });
});
