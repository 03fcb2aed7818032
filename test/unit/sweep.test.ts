// The reconciler's sweep over an in-memory cold range: tickets held back are passed over without a move, a pass
// stops at its page limit and the next goes on from there, wrapping to the beginning once it reaches the end, so
// tickets held back at the head of the range never keep the sweep from the rest.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { PassSummary } from '../../services/core/passSummary.ts';
import type { ClosedTicket, IndexPosition } from '../../services/edges/hotStore/index.ts';
import { sweep, type PassDeps } from '../../services/reconciler/reconcileSteps.ts';

/** `n` cold tickets in index order; those in `held` are referenced by another table. */
function coldRange(n: number, held: Set<number>): ClosedTicket[] {
  return Array.from({ length: n }, (_, i) => ({
    id: String(i + 1),
    version: '1',
    lastOperatedAt: `2026-01-01 00:00:${String(i).padStart(2, '0')}+00`,
    lastOperatedAtInstant: '',
    movable: !held.has(i + 1),
  }));
}

function deps(range: ClosedTicket[], moved: string[]): PassDeps {
  const after = (p: IndexPosition | undefined) => (p ? range.findIndex((r) => r.id === p.id) + 1 : 0);
  return {
    hot: {
      closed: {
        coldFor: (_c: number, _g: number, p: IndexPosition | undefined, limit: number) =>
          Promise.resolve(range.slice(after(p), after(p) + limit)),
      },
    },
    cold: { stuck: { list: () => Promise.resolve([{ ticketId: '9' }]) } },
    move: (candidates: Array<{ id: string }>) => {
      moved.push(...candidates.map((c) => c.id));
      return Promise.resolve(candidates.map((c) => ({ id: c.id, outcome: 'archived' })));
    },
    log: pino({ level: 'silent' }),
    batchSize: 2,
    sweepPageSize: 3,
    sweepMaxPages: 2,
    coldAfterMs: 0,
    freshnessTargetMs: 0,
  } as unknown as PassDeps;
}

const summary = (): PassSummary => ({ counts: { swept: 0, heldBack: 0 }, outcomes: {} }) as unknown as PassSummary;

describe('sweep', () => {
  it('passes over held-back and stuck tickets, stops at its page limit, and the next pass goes on from there', async () => {
    const range = coldRange(10, new Set([1, 2, 3, 4]));
    const moved: string[] = [];
    const first = summary();
    await sweep(deps(range, moved), first, () => undefined, undefined);
    assert.deepEqual(moved, ['5', '6'], 'two pages of three: the four held back are not moved');
    assert.deepEqual([first.counts.heldBack, first.counts.swept], [4, 2]);
    assert.equal(first.sweptTo?.id, '6');

    const second = summary();
    await sweep(deps(range, moved), second, () => undefined, first.sweptTo);
    assert.deepEqual(moved.slice(2), ['7', '8', '10'], 'on from 6; 9 is a stuck deletion, the retry’s');
    assert.equal(second.sweptTo, undefined, 'the end of the cold range reached: the next pass starts again');
  });
  it('wraps to the beginning of the range once when a pass starts part-way', async () => {
    const range = coldRange(5, new Set());
    const moved: string[] = [];
    const s = summary();
    await sweep(deps(range, moved), s, () => undefined, { lastOperatedAt: '', id: '4' });
    assert.deepEqual(moved, ['5', '1', '2', '3'], 'page one: 5 (the end); page two: from the beginning');
    assert.equal(s.sweptTo?.id, '3', 'the page limit reached after the wrap');
  });
});
