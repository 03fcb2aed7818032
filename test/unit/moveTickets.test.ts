// The move over in-memory stores: what each kind of candidate ends as, and what the move leaves behind in the stores.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreRefusedError, StoreUnavailableError } from '../../services/core/errors.ts';
import { moveTickets } from '../../services/core/move/moveTickets.ts';
import { FakeCold, FakeHot, fakeMoveDeps } from '../support/fakeStores.ts';

describe('moveTickets over in-memory stores', () => {
  it('copies, deletes and confirms cold tickets, and leaves the others where they belong', async () => {
    const hot = new FakeHot();
    const cold = new FakeCold();
    hot.add('1');
    hot.add('2', { status: 'in_progress', cold: false });
    hot.add('3', { cold: false });
    const outcomes = await moveTickets(fakeMoveDeps(hot, cold), [
      { id: '1' },
      { id: '2' },
      { id: '3', fromTimer: true },
      { id: '4' },
    ]);
    assert.deepEqual(outcomes.map((o) => [o.id, o.outcome]).sort(), [
      ['1', 'archived'],
      ['2', 'notCold'],
      ['3', 'notDue'],
      ['4', 'gone'],
    ]);
    assert.equal(cold.copies.get('1')?.archive.state, 'inMove', 'written once');
    assert.equal(cold.isArchive('1'), true, 'and an archive by its committed move');
    assert.equal(hot.tickets.has('1'), false);
    assert.equal(cold.timers.get('3')?.partition, 3, 'a ticket not yet due gets its timer back, in its partition');
    assert.deepEqual(cold.clearedTimers, [], 'a timer set again is not cleared');
  });

  it('records a copy the cold store refuses as a stuck deletion and keeps the ticket hot', async () => {
    const hot = new FakeHot();
    const cold = new FakeCold();
    hot.add('5');
    cold.refuse.add('5');
    const [o] = await moveTickets(fakeMoveDeps(hot, cold), [{ id: '5' }]);
    assert.deepEqual([o?.outcome, o?.code], ['stuck', 'COLD_REFUSED']);
    assert.equal(cold.stuck.get('5')?.failureClass, 'permanent');
    assert.equal(hot.tickets.has('5'), true);
  });

  it("keeps a copy whose delete did not happen out of its move's commit: demoted, never read as an archive", async () => {
    const hot = new FakeHot();
    const cold = new FakeCold();
    hot.add('8');
    hot.add('9');
    hot.refuseDelete.set('9', '55P03');
    const outcomes = await moveTickets(fakeMoveDeps(hot, cold), [{ id: '8' }, { id: '9' }]);
    assert.deepEqual(
      outcomes.map((o) => o.outcome),
      ['archived', 'stuck'],
    );
    assert.deepEqual([cold.isArchive('8'), cold.isArchive('9')], [true, false]);
    assert.equal(cold.copies.get('9')?.archive.state, 'copied');
  });

  it('leaves no archive when it stops before its commit: its copies wait for the reconciler', async () => {
    const hot = new FakeHot();
    const cold = new FakeCold();
    hot.add('15');
    cold.commitMove = () => Promise.reject(new StoreUnavailableError('cold store', 'connection reset'));
    await assert.rejects(moveTickets(fakeMoveDeps(hot, cold), [{ id: '15' }]), StoreUnavailableError);
    assert.equal(hot.tickets.has('15'), false, 'the hot row was deleted');
    assert.equal(cold.copies.has('15'), true, 'its copy is there');
    assert.equal(cold.isArchive('15'), false, 'but not an archive until the move is settled');
    assert.deepEqual(
      [...cold.moves.values()].map((m) => [m.state, m.tickets.map((t) => t.id)]),
      [['copying', ['15']]],
      'the move is on record for the reconciler',
    );
  });

  it('removes the copy of a ticket changed between the copy and the delete', async () => {
    const hot = new FakeHot();
    const cold = new FakeCold();
    hot.add('6');
    const deleteUnchanged = hot.deleteUnchanged.bind(hot);
    hot.deleteUnchanged = (copied, shape, mover, lockTimeoutMs) => {
      hot.add('6', { version: '2', status: 'in_progress', cold: false }); // a business update lands
      return deleteUnchanged(copied, shape, mover, lockTimeoutMs);
    };
    const [o] = await moveTickets(fakeMoveDeps(hot, cold), [{ id: '6' }]);
    assert.equal(o?.outcome, 'changed');
    assert.equal(cold.copies.has('6'), false, 'the stale copy is gone');
  });

  it('throws what retrying can cure, before anything is written', async () => {
    const hot = new FakeHot();
    const cold = new FakeCold();
    hot.add('7');
    hot.failures.push(new StoreUnavailableError('postgres', 'connection refused'));
    await assert.rejects(moveTickets(fakeMoveDeps(hot, cold), [{ id: '7' }]), StoreUnavailableError);
    assert.equal(cold.copies.size + cold.stuck.size, 0);
  });

  it('does not retry a batch that fails for a reason retrying cannot cure: its tickets become stuck, the next batch moves', async () => {
    const hot = new FakeHot();
    const cold = new FakeCold();
    for (const id of ['10', '11', '12', '13']) hot.add(id);
    hot.failures.push(new StoreRefusedError('postgres', 'permission denied for table tickets', '42501'));
    const first = await moveTickets(fakeMoveDeps(hot, cold), [
      { id: '10', version: '1' },
      { id: '11', version: '1' },
    ]);
    assert.deepEqual(
      first.map((o) => o.outcome),
      ['stuck', 'stuck'],
    );
    assert.equal(hot.calls.filter((c) => c.startsWith('readColdRows 10,11')).length, 1, 'tried once, not retried');
    const record = cold.stuck.get('10');
    assert.match(record?.reason ?? '', /permission denied/);
    assert.deepEqual([record?.code, record?.failureClass, record?.version], ['42501', 'permanent', '1']);
    assert.equal(hot.tickets.has('10') && hot.tickets.has('11'), true, 'both stay hot');
    const second = await moveTickets(fakeMoveDeps(hot, cold), [{ id: '12' }, { id: '13' }]);
    assert.deepEqual(
      second.map((o) => o.outcome),
      ['archived', 'archived'],
    );
  });

  it('closes a stuck record once its ticket moves, and escalates one that keeps failing for good', async () => {
    const hot = new FakeHot();
    const cold = new FakeCold();
    hot.add('20');
    hot.add('21');
    hot.refuseDelete.set('21', '23503');
    await cold.recordStuck(
      [
        {
          id: '20',
          version: '1',
          reason: 'locked',
          code: '55P03',
          failureClass: 'transient',
          nextAttemptAt: new Date(),
          escalated: false,
        },
      ],
      new Date(),
    );
    const outcomes = await moveTickets(fakeMoveDeps(hot, cold), [
      { id: '20', copiedVersion: '1', stuckAttempts: 1 },
      { id: '21', copiedVersion: '1', stuckAttempts: 2 },
    ]);
    assert.deepEqual(
      outcomes.map((o) => [o.id, o.outcome, o.escalated ?? false]),
      [
        ['20', 'archived', false],
        ['21', 'stuck', true],
      ],
    );
    assert.equal(cold.isArchive('20'), true);
    assert.equal(cold.stuck.has('20'), false, 'record of the moved ticket closed');
    assert.equal(cold.stuck.get('21')?.escalated, true, 'third permanent failure: escalated');
    assert.equal(cold.copies.has('21'), false, 'an escalated ticket keeps no copy that could read as its archive');
    assert.equal(hot.tickets.has('21'), true);
  });

  it('in a dry run, decides and writes nothing', async () => {
    const hot = new FakeHot();
    const cold = new FakeCold();
    hot.add('30');
    const [o] = await moveTickets(fakeMoveDeps(hot, cold, { dryRun: true }), [{ id: '30' }]);
    assert.equal(o?.outcome, 'wouldMove');
    assert.equal(cold.copies.size, 0);
    assert.equal(hot.tickets.has('30'), true);
  });
});
