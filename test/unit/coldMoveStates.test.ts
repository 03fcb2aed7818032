// The cold reader's memory of move states: final states (committed, abandoned) are read once, a move still copying is
// asked again every time (it may commit or be abandoned at any moment), and the memory stays within its capacity.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MoveState } from '../../services/core/move/moveProtocol.ts';
import { rememberingFinalStates } from '../../services/edges/coldStore/ticketReads.ts';

function store(states: Record<string, MoveState>) {
  const asked: string[][] = [];
  const read = (ids: string[]) => {
    asked.push(ids);
    return Promise.resolve(new Map(ids.flatMap((id) => (states[id] ? [[id, states[id]] as const] : []))));
  };
  return { asked, read };
}

describe('remembered move states', () => {
  it('reads a final state once and a copying one every time', async () => {
    const s = store({ a: 'committed', b: 'abandoned', c: 'copying' });
    const states = rememberingFinalStates(s.read);
    const first = await states(['a', 'b', 'c', 'a', 'x']);
    assert.deepEqual([...first].sort(), [
      ['a', 'committed'],
      ['b', 'abandoned'],
      ['c', 'copying'],
    ]);
    const second = await states(['a', 'b', 'c', 'x']);
    assert.equal(second.get('c'), 'copying');
    assert.equal(second.get('a'), 'committed');
    assert.deepEqual(s.asked, [
      ['a', 'b', 'c', 'x'],
      ['c', 'x'],
    ]);
    assert.equal((await states([])).size, 0);
    assert.equal(s.asked.length, 2, 'nothing to ask: no round trip');
  });

  it('forgets the oldest beyond its capacity', async () => {
    const s = store({ a: 'committed', b: 'committed', c: 'committed' });
    const states = rememberingFinalStates(s.read, 2);
    await states(['a']);
    await states(['b']);
    await states(['c']);
    await states(['b', 'c']);
    await states(['a']);
    assert.deepEqual(s.asked, [['a'], ['b'], ['c'], ['a']]);
  });
});
