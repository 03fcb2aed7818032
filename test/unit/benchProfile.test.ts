import assert from 'node:assert/strict';
import { test } from 'node:test';
import { areaOf, summarizeProfile } from '../bench/cpuProfile.ts';

test('areaOf names npm packages, our modules, Node internals and V8 pseudo-frames', () => {
  assert.equal(areaOf('file:///work/main/node_modules/kafkajs/src/consumer/index.js', 'run'), 'npm kafkajs');
  assert.equal(
    areaOf('file:///work/main/node_modules/@mongodb-js/saslprep/dist/index.js', 'x'),
    'npm @mongodb-js/saslprep',
  );
  assert.equal(
    areaOf('file:///work/main/services/shared/move/moveTickets.ts', 'moveTickets'),
    'services/shared/move/moveTickets.ts',
  );
  assert.equal(areaOf('node:internal/streams/readable', 'read'), 'Node internals');
  assert.equal(areaOf('', '(garbage collector)'), '(garbage collector)');
  assert.equal(areaOf('', 'JSONParse'), '(native)');
});

test('summarizeProfile adds self time per function and area from samples and time deltas', () => {
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', '') },
      { id: 2, callFrame: frame('(idle)', '') },
      { id: 3, callFrame: frame('parse', 'file:///x/node_modules/zod/index.js') },
      { id: 4, callFrame: frame('moveTickets', 'file:///x/services/shared/move/moveTickets.ts') },
    ],
    samples: [2, 2, 3, 4, 3, 2],
    timeDeltas: [500_000, 500_000, 250_000, 250_000, 250_000, 250_000],
    startTime: 0,
    endTime: 2_000_000,
  };
  const s = summarizeProfile(profile);
  assert.equal(s.totalSeconds, 2);
  assert.equal(s.idleShare, 62.5);
  assert.deepEqual(s.byArea[0], { area: '(idle)', seconds: 1.25, share: 62.5 });
  assert.deepEqual(
    s.topFunctions.map((f) => [f.name, f.seconds]),
    [
      ['parse (index.js:10)', 0.5],
      ['moveTickets (moveTickets.ts:10)', 0.25],
    ],
  );
});
