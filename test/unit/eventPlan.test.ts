import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planEvents, type ReceivedEvent } from '../../services/core/eventPlan.ts';
import { coldAt } from '../../services/core/coldRule.ts';
import { parseTicketEvent } from '../../services/core/ticketEvent.ts';
import { defaultShape } from '../support/specs.ts';

const source = {
  version: '3.0.8.Final',
  connector: 'postgresql' as const,
  name: 't',
  ts_ms: 0,
  db: 'd',
  schema: 'public',
  table: 'tickets',
};
const NOW = Date.parse('2026-11-21T12:00:00Z');
const COLD_AFTER = 30 * 86_400_000;
/** A Debezium update of ticket `id` of the default spec's table, parsed the way the archiver parses it. */
function upsert(
  id: number,
  status: 'closed' | 'in_progress',
  lastOperatedAt: string,
  version = 1,
  snapshot = false,
): ReceivedEvent {
  const after = { id, status, last_operated_at: lastOperatedAt, version };
  const value = {
    before: null,
    after,
    source: { ...source, snapshot: String(snapshot) },
    op: snapshot ? 'r' : 'u',
    ts_ms: 0,
  };
  const event = parseTicketEvent(Buffer.from(JSON.stringify({ id })), Buffer.from(JSON.stringify(value)), defaultShape);
  return { partition: 2, offset: String(id), event };
}

describe('cold rule', () => {
  it('is closed and older than COLD_AFTER, at the injected clock', () => {
    const t = { closed: true, lastOperatedAtMs: NOW - COLD_AFTER };
    assert.equal(coldAt(t, COLD_AFTER), NOW, 'cold from exactly COLD_AFTER after the last operation');
    assert.equal(coldAt({ ...t, closed: false }, COLD_AFTER), undefined, 'never cold while not closed');
    assert.equal(coldAt({ ...t, lastOperatedAtMs: Infinity }, COLD_AFTER), Infinity, "'infinity' is never due");
  });
});

describe('planEvents', () => {
  it('moves cold tickets now, sets timers for closed ones, leaves reopened ones alone (their timers go when they fire)', () => {
    const plan = planEvents(
      [
        upsert(1, 'closed', '2026-01-01T00:00:00Z'),
        upsert(2, 'closed', '2026-11-20T00:00:00.123456Z', 3),
        upsert(3, 'in_progress', '2026-11-20T00:00:00Z'),
      ],
      COLD_AFTER,
      NOW,
    );
    assert.deepEqual(plan.moveNow, [{ id: '1', version: '1' }]);
    assert.deepEqual(plan.timers, [
      { id: '2', version: '3', dueAt: new Date(Date.parse('2026-11-20T00:00:00.123Z') + COLD_AFTER), partition: 2 },
    ]);
    assert.ok(
      ![...plan.moveNow, ...plan.timers].some((t) => t.id === '3'),
      'the reopened ticket is neither moved nor timed',
    );
  });
  it("handles last operations at the ends of PostgreSQL's range: -infinity is cold now, infinity never needs a timer", () => {
    const plan = planEvents(
      [
        upsert(1, 'closed', '-infinity'),
        upsert(2, 'closed', 'infinity'),
        upsert(3, 'closed', '-0043-03-15T00:00:00Z'),
        upsert(4, 'closed', '+200000-01-01T00:00:00Z'),
      ],
      COLD_AFTER,
      NOW,
    );
    assert.deepEqual(plan.moveNow, [
      { id: '1', version: '1' },
      { id: '3', version: '1' },
    ]);
    assert.deepEqual(
      plan.timers.map((t) => [t.id, t.dueAt.toISOString()]),
      [['4', '+200000-01-31T00:00:00.000Z']],
    );
  });
  it('lets the latest event of a ticket decide', () => {
    const reopened = planEvents(
      [upsert(1, 'closed', '2026-01-01T00:00:00Z', 1), upsert(1, 'in_progress', '2026-11-21T00:00:00Z', 2)],
      COLD_AFTER,
      NOW,
    );
    assert.deepEqual([reopened.moveNow, reopened.timers], [[], []]);
    const deleted = planEvents(
      [
        upsert(1, 'closed', '2026-01-01T00:00:00Z'),
        { partition: 2, offset: '9', event: { kind: 'delete', id: '1', source } },
        { partition: 2, offset: '10', event: { kind: 'tombstone', id: '1' } },
      ],
      COLD_AFTER,
      NOW,
    );
    assert.deepEqual([deleted.moveNow, deleted.deleted], [[], ['1']]);
  });
  it('counts truncates, never turns a truncate into deletes, and moves snapshot reads like any event', () => {
    const plan = planEvents(
      [
        { partition: 0, offset: '1', event: { kind: 'truncate', source } },
        upsert(5, 'closed', '2026-01-01T00:00:00Z', 1, true),
      ],
      COLD_AFTER,
      NOW,
    );
    assert.equal(plan.truncates, 1);
    assert.deepEqual(plan.deleted, []);
    assert.deepEqual(plan.moveNow, [{ id: '5', version: '1' }]);
  });
});
