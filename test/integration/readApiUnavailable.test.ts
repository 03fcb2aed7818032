// A store the read API cannot reach, on the real stack: `serve` started through TCP relays to PostgreSQL and the
// cold store, then each relay cut as a network partition would (the stack itself keeps running). The answer is a 503
// with Retry-After that names the tier whose store is unavailable and nothing of where it lives; the log has the error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROBLEM_TYPES } from '../../services/core/read/problem.ts';
import { archiverHarness } from '../support/harness.ts';
import { problemOf, startServe, type Serve } from '../support/readApi.ts';
import { startTcpRelay, throughRelay, type TcpRelay } from '../support/tcpRelay.ts';

const h = archiverHarness();
const ABSENT = '/tickets/9000000000000000001';
let api: Serve;
let hot: TcpRelay;
let cold: TcpRelay;

/** What a client must never learn: the stores' addresses, their users, the relays' ports, the drivers' errors. */
function internals(): RegExp {
  const words = [h.env.READ_DATABASE_URL, h.env.RESTORE_DATABASE_URL, h.env.MONGODB_URL].flatMap((url) => {
    const u = new URL(url);
    return [u.hostname, u.port, u.username, url.split(':')[0] ?? ''];
  });
  const all = [
    ...words,
    String(hot.port),
    String(cold.port),
    'ECONNREFUSED',
    'DATABASE_URL',
    'MONGODB_URL',
    'PostgreSQL',
  ];
  return new RegExp(
    all
      .filter(Boolean)
      .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
  );
}

async function unavailable(path: string): Promise<ReturnType<typeof problemOf>> {
  const res = await fetch(`${api.base}${path}`);
  const text = await res.clone().text();
  assert.equal(res.headers.get('retry-after'), '5', `${path}: ${res.status} ${text}`);
  assert.doesNotMatch(text, internals(), `${path}: ${text}`);
  return problemOf(res, 503);
}

describe('read API: a store unavailable', () => {
  before(async () => {
    // The harness's before runs first (registered first): the stack is up.
    const pg = new URL(h.env.DATABASE_URL);
    const mongo = new URL(h.env.MONGODB_URL);
    hot = await startTcpRelay(pg.hostname, Number(pg.port));
    cold = await startTcpRelay(mongo.hostname, Number(mongo.port));
    api = await startServe(h, {
      // serve reads as READ_DATABASE_URL's role when it is set.
      READ_DATABASE_URL: throughRelay(h.env.READ_DATABASE_URL, hot),
      RESTORE_DATABASE_URL: throughRelay(h.env.RESTORE_DATABASE_URL, hot),
      MONGODB_URL: throughRelay(h.env.MONGODB_URL, cold),
    });
  });
  after(async () => {
    await api?.stop();
    // A relay left listening keeps this file's process alive: a failed assertion before the cuts hung the suite.
    await Promise.all([hot?.cut(), cold?.cut()]);
  });

  it('answers 503 with Retry-After naming the hot database, then the archive, and logs what happened', async () => {
    // A key no test inserts (ticket 1 may exist: the table is shared by the suite's files).
    assert.equal((await api.get(ABSENT)).status, 404, 'through the relays, the stores answer');
    await hot.cut();
    const hotDown = await unavailable(ABSENT);
    assert.equal(hotDown.type, PROBLEM_TYPES.storeUnavailable.type);
    assert.equal(hotDown.unavailableTier, 'hot');
    assert.match(hotDown.detail, /^the hot database is unavailable; retry in 5 seconds$/);
    assert.equal((await unavailable('/lists/customer/4242/tickets')).unavailableTier, 'hot');
    const ready = await unavailable('/readyz');
    assert.equal(ready.instance, '/readyz');

    await cold.cut();
    const coldDown = await unavailable('/lists/customer/4242/tickets?tier=cold');
    assert.equal(coldDown.unavailableTier, 'cold');
    assert.match(coldDown.detail, /^the archive is unavailable/);

    const logged = api.process.lines.filter((line) => line.includes('"request failed"'));
    assert.ok(
      logged.some((line) => line.includes('ECONNREFUSED') && line.includes(String(hot.port))),
      `the full error in the log:\n${logged.join('\n')}`,
    );
  });
});
