// What follows a move, decided purely from its candidates and outcomes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planFollowUp, type Candidate, type FollowUpContext } from '../../services/core/move/followUp.ts';
import type { TicketOutcome } from '../../services/core/move/outcome.ts';

const now = new Date('2026-11-22T12:00:00Z');
const ctx: FollowUpContext = {
  now,
  partitionOf: (id) => Number(id) % 6,
  scheduleStuck: (failureClass, attempts, at) => ({
    nextAttemptAt: new Date(at.getTime() + attempts * 1000),
    escalated: failureClass === 'permanent' && attempts >= 3,
  }),
};
const plan = (candidates: Candidate[], outcomes: TicketOutcome[], written = new Set<string>()) =>
  planFollowUp(candidates, outcomes, written, ctx);

describe('planFollowUp', () => {
  it('confirms archives: moved now, moved before by another mover, or found gone with the ledger saying so', () => {
    const p = plan(
      [{ id: '1' }, { id: '2' }, { id: '3' }],
      [
        { id: '1', version: '4', outcome: 'archived' },
        { id: '2', version: '5', outcome: 'alreadyArchived' },
        { id: '3', outcome: 'gone', archivedVersion: '6' },
      ],
    );
    assert.deepEqual(p.markArchived, [
      { id: '1', version: '4' },
      { id: '2', version: '5' },
      { id: '3', version: '6' },
    ]);
    assert.deepEqual([p.removeCopies, p.recordStuck, p.clearStuck, p.setTimers, p.clearTimers], [[], [], [], [], []]);
  });

  it('leaves the copies this move wrote to its commit, and demotes those of tickets that stay hot as stuck', () => {
    const p = plan(
      [{ id: '1' }, { id: '2' }, { id: '3' }],
      [
        { id: '1', version: '4', outcome: 'archived' },
        { id: '2', version: '5', outcome: 'stuck', reason: 'row locked', code: '55P03' },
        { id: '3', version: '6', outcome: 'archived' },
      ],
      new Set(['1', '2']),
    );
    assert.deepEqual(
      p.markArchived,
      [{ id: '3', version: '6' }],
      'only the copy kept from before is confirmed on its own',
    );
    assert.deepEqual(p.demote, ['2']);
  });

  it("removes this move's copy of a ticket that changed or that the business deleted, and known copies that did not become the archive", () => {
    const p = plan(
      [
        { id: '1' },
        { id: '2' },
        { id: '3', copiedVersion: '2' },
        { id: '4', copiedVersion: '7' },
        { id: '5', copiedVersion: '1' },
      ],
      [
        { id: '1', version: '4', outcome: 'changed' },
        { id: '2', version: '5', outcome: 'deletedByBusiness' },
        { id: '3', version: '3', outcome: 'archived' },
        { id: '4', version: '7', outcome: 'notCold' },
        { id: '5', outcome: 'gone', archivedVersion: '1' },
      ],
    );
    assert.deepEqual(p.removeCopies, [
      { id: '1', version: '4' },
      { id: '2', version: '5' },
      { id: '3', version: '2' },
      { id: '4', version: '7' },
    ]);
  });

  it('sets timers again for tickets not yet due or held, in their partition, and clears fired timers otherwise', () => {
    const p = plan(
      [
        { id: '7', fromTimer: true },
        { id: '8', fromTimer: true },
        { id: '9', fromTimer: true },
      ],
      [
        { id: '7', version: '1', outcome: 'notDue', retryAfter: '2026-12-01T00:00:00.000Z' },
        { id: '8', version: '1', outcome: 'held', retryAfter: '2026-11-23T00:00:00.000Z' },
        { id: '9', version: '1', outcome: 'archived' },
      ],
    );
    assert.deepEqual(
      p.setTimers.map((t) => [t.id, t.dueAt.toISOString(), t.partition]),
      [
        ['7', '2026-12-01T00:00:00.000Z', 1],
        ['8', '2026-11-23T00:00:00.000Z', 2],
      ],
    );
    assert.deepEqual(p.clearTimers, ['9']);
  });

  it('records stuck deletions with their class and schedule, escalates the third permanent failure and removes its copy', () => {
    const p = plan(
      [{ id: '10' }, { id: '11', stuckAttempts: 2 }],
      [
        { id: '10', version: '1', outcome: 'stuck', reason: 'row locked', code: '55P03' },
        { id: '11', version: '2', outcome: 'stuck', reason: 'violates foreign key', code: '23503' },
      ],
    );
    assert.deepEqual(
      p.recordStuck.map((s) => [s.id, s.failureClass, s.nextAttemptAt.getTime() - now.getTime(), s.escalated]),
      [
        ['10', 'transient', 1000, false],
        ['11', 'permanent', 3000, true],
      ],
    );
    assert.deepEqual([...p.escalated], ['11']);
    assert.deepEqual(p.removeCopies, [{ id: '11', version: '2' }]);
  });

  it('closes stuck records only of tickets that had one, once they end other than stuck', () => {
    const p = plan(
      [{ id: '12', stuckAttempts: 1 }, { id: '13', stuckAttempts: 1 }, { id: '14' }],
      [
        { id: '12', version: '1', outcome: 'archived' },
        { id: '13', version: '1', outcome: 'notDue', retryAfter: '2026-12-01T00:00:00.000Z' },
        { id: '14', version: '1', outcome: 'archived' },
      ],
    );
    assert.deepEqual(p.clearStuck, ['12', '13']);
  });
});
