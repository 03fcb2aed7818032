// `ticket-archiver backfill` on the real stack: the tickets cold now move straight from the hot table (no snapshot,
// no archiver), those closed but not yet cold get their timers, a stopped backfill resumes where it was, and every
// ticket ends in exactly one tier, moved once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Long } from 'mongodb';
import { archiverEnv } from '../support/archiverEnv.ts';
import { startArchiverProcess } from '../support/archiverProcess.ts';
import { archiverHarness } from '../support/harness.ts';
import { runCli } from '../support/runCli.ts';
import { archivedCount, hotIds, insertTickets, testCustomer } from '../support/tickets.ts';
import { waitFor } from '../support/waitFor.ts';

const h = archiverHarness();

describe('direct backfill', () => {
  it('moves the cold tickets of the table, sets the timers of the others, and resumes after a stop', async () => {
    const customer = testCustomer();
    const group = `test-backfill-${Date.now()}`;
    const cold = await insertTickets(
      h.stores.db,
      Array.from({ length: 3000 }, (_, i) => ({
        status: 'closed' as const,
        ageSeconds: 7200 + i * 60,
        customerId: customer,
      })),
    );
    const later = await insertTickets(
      h.stores.db,
      Array.from({ length: 40 }, () => ({ status: 'closed' as const, ageSeconds: 600, customerId: customer })),
    );
    const open = await insertTickets(
      h.stores.db,
      Array.from({ length: 40 }, () => ({ status: 'in_progress' as const, ageSeconds: 7200, customerId: customer })),
    );
    const settings = {
      COLD_AFTER: '1h',
      ARCHIVER_GROUP_ID: group,
      BACKFILL_WORKERS: '3',
      ARCHIVE_BATCH_SIZE: '100',
      THROTTLE: 'false',
    };
    const name = `test-${Date.now()}`;

    // Slowed down, then stopped half way through.
    const first = startArchiverProcess(
      h.env,
      { ...settings, MAX_MOVES_PER_SECOND: '500', INSTANCE_NAME: 'test-backfill-1' },
      [],
      ['backfill', '--name', name, '--json'],
    );
    await waitFor('half of them moved', async () => (await hotIds(h.stores.db, cold)).size <= cold.length / 2, 60_000);
    assert.equal(
      await first.stop(),
      1,
      `a stopped backfill exits 1 (not complete):\n${first.lines.slice(-10).join('\n')}`,
    );
    const left = (await hotIds(h.stores.db, cold)).size;
    assert.ok(left > 0, `stopped before the end:\n${first.lines.slice(-10).join('\n')}`);

    const second = await runCli(
      ['backfill', '--name', name, '--json'],
      archiverEnv(h.env, { ...settings, INSTANCE_NAME: 'test-backfill-2' }),
      300_000,
    );
    assert.equal(second.code, 0, second.stderr.slice(-2000));
    const summary = JSON.parse(second.stdout.trim().split('\n').pop() ?? '{}') as {
      complete: boolean;
      slices: Array<{ kind: string; done: boolean }>;
    };
    assert.ok(summary.complete && summary.slices.every((s) => s.done), second.stdout);
    assert.ok(second.stderr.includes('backfill resumed'), 'the second run resumed the first one (its log, on stderr)');

    assert.equal((await hotIds(h.stores.db, cold)).size, 0, 'every cold ticket left the hot table');
    assert.equal(await archivedCount(h.stores.cold, customer), cold.length, 'each one archived once');
    assert.equal(
      (await hotIds(h.stores.db, [...later, ...open])).size,
      later.length + open.length,
      'nothing else moved',
    );
    const ledger = await h.stores.db.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM ticket_archiver.ledger WHERE ticket_key = ANY($1::text[]) AND state = 'archived'",
      [cold],
    );
    assert.equal(Number(ledger.rows[0]?.n), cold.length);
    const timers = await h.stores.cold.timers.countDocuments({
      group,
      ticketId: { $in: later.map((id) => Long.fromString(id)) },
    });
    assert.equal(timers, later.length, 'a timer for each ticket closed but not yet cold');
    const verify = await runCli(['verify', '--json'], archiverEnv(h.env), 600_000);
    assert.equal(verify.code, 0, verify.stdout.slice(-2000));
  });
});
