// `ticket-archiver history` on the real stack: samples that add up to what was archived, and outlive the processes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiverEnv } from '../support/archiverEnv.ts';
import { archiverHarness } from '../support/harness.ts';
import { runCli } from '../support/runCli.ts';
import { archivedCount, insertTickets, testCustomer } from '../support/tickets.ts';
import { groupAtEnd } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';

const h = archiverHarness({ COLD_AFTER: '1h' });

describe('operators', () => {
  it('history: the samples add up to what was archived, and are still there after the processes are gone', async () => {
    const group = await groupAtEnd(h.env, 'test-history');
    const instance = `test-history-${Date.now()}`;
    const a = await h.archiver({ ARCHIVER_GROUP_ID: group, INSTANCE_NAME: instance });
    const customer = testCustomer();
    const ids = await insertTickets(
      h.stores.db,
      Array.from({ length: 300 }, () => ({ status: 'closed' as const, ageSeconds: 7200, customerId: customer })),
    );
    await waitFor('archived', async () => (await archivedCount(h.stores.cold, customer)) === ids.length, 60_000);
    assert.equal(await a.stop(), 0);
    const read = async () => {
      const res = await runCli(
        ['history', '--json', '--since', '1h', '--by', 'hour', '--instance', instance],
        archiverEnv(h.env),
        60_000,
      );
      assert.equal(res.code, 0, res.stderr);
      return JSON.parse(res.stdout) as { from: string; to: string; totals: { archived: number; samples: number } };
    };
    const first = await read();
    assert.equal(first.totals.archived, ids.length, JSON.stringify(first));
    // Another archiver comes and goes: what was recorded stays.
    const b = await h.archiver({ ARCHIVER_GROUP_ID: group });
    await b.stop();
    const again = await read();
    // The window moved on (--since 1h is relative to now); what it holds did not.
    assert.deepEqual({ ...again, from: first.from, to: first.to }, first);
  });
});
