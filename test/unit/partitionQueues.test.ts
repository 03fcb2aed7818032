import assert from 'node:assert/strict';
import { test } from 'node:test';
import { partitionQueues } from '../../services/archiver/partitionQueues.ts';

/** A task that records when it starts and ends, and finishes only when released. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return {
    release,
    task: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

test('tasks of one partition run one at a time, in the order queued', async () => {
  const q = partitionQueues();
  const log: string[] = [];
  const a = gate(log, 'a');
  const b = gate(log, 'b');
  const ra = q.run(3, a.task);
  const rb = q.run(3, b.task);
  await tick();
  assert.deepEqual(log, ['start a']);
  b.release();
  await tick();
  assert.deepEqual(log, ['start a'], 'b waits for a even when b could finish');
  a.release();
  assert.equal(await ra, 'a');
  assert.equal(await rb, 'b');
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b']);
});

test('tasks of different partitions run side by side', async () => {
  const q = partitionQueues();
  const log: string[] = [];
  const a = gate(log, 'a');
  const b = gate(log, 'b');
  const ra = q.run(0, a.task);
  const rb = q.run(1, b.task);
  await tick();
  assert.deepEqual(log, ['start a', 'start b']);
  b.release();
  assert.equal(await rb, 'b');
  assert.deepEqual(log, ['start a', 'start b', 'end b']);
  a.release();
  await ra;
});

test('a failed task rejects its caller and the next task of the partition still runs', async () => {
  const q = partitionQueues();
  const failed = q.run(2, () => Promise.reject(new Error('cold store down')));
  const next = q.run(2, () => Promise.resolve('after'));
  await assert.rejects(failed, /cold store down/);
  assert.equal(await next, 'after');
});

test('idle waits for every partition, failures included', async () => {
  const q = partitionQueues();
  const log: string[] = [];
  const a = gate(log, 'a');
  const b = gate(log, 'b');
  void q.run(0, a.task);
  q.run(5, b.task).catch(() => undefined);
  let idle = false;
  const waiting = q.idle().then(() => (idle = true));
  a.release();
  await tick();
  assert.equal(idle, false, 'partition 5 is still busy');
  b.release();
  await waiting;
  assert.equal(idle, true);
  assert.deepEqual(log.filter((l) => l.startsWith('end')).sort(), ['end a', 'end b']);
});

test('a task across partitions waits for each of them, and their later tasks wait for it', async () => {
  const q = partitionQueues();
  const log: string[] = [];
  const a = gate(log, 'a');
  const b = gate(log, 'b');
  const timers = gate(log, 'timers');
  const c = gate(log, 'c');
  const d = gate(log, 'd');
  void q.run(0, a.task);
  void q.run(1, b.task);
  const across = q.runAcross([0, 1, 1], timers.task);
  void q.run(1, c.task);
  void q.run(4, d.task);
  await tick();
  assert.deepEqual(log, ['start a', 'start b', 'start d'], 'partition 4 is not held');
  a.release();
  await tick();
  assert.ok(!log.includes('start timers'), 'still waiting for partition 1');
  b.release();
  c.release();
  await tick();
  assert.ok(log.includes('start timers'));
  assert.ok(!log.includes('start c'), 'a later task of partition 1 waits for the task across');
  timers.release();
  assert.equal(await across, 'timers');
  d.release();
  await q.idle();
  assert.ok(log.indexOf('start c') > log.indexOf('end timers'));
});
