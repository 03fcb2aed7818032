// The program users run, not the TypeScript the other tests run under tsx: this clone packed by `npm pack` and
// installed from the tarball into an empty directory (test/support/installedProgram.ts), run against the local stack.
// It must find what it ships (migrations, connector), report, archive a ticket by its change event, serve it from the
// archive, and backfill, a dry run first that changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../infra/local/settings.ts';
import { archiverEnv } from '../support/archiverEnv.ts';
import { startArchiverProcess, waitReady } from '../support/archiverProcess.ts';
import { archiverHarness } from '../support/harness.ts';
import { installProgram, type InstalledProgram } from '../support/installedProgram.ts';
import { runCli } from '../support/runCli.ts';
import { storeDigests } from '../support/storeDigests.ts';
import { groupAtEnd } from '../support/ticketsTopic.ts';
import { archivedCount, hotIds, insertTickets, testCustomer } from '../support/tickets.ts';
import { waitFor } from '../support/waitFor.ts';

const h = archiverHarness({ COLD_AFTER: '1h' });
let program: InstalledProgram;
before(() => {
  program = installProgram();
});
after(() => program?.remove());

describe('the installed program', () => {
  it('prints its version and finds the migrations and the connector it ships', async () => {
    const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    const shown = await runCli(['--version'], archiverEnv(h.env), 30_000, [program.bin]);
    assert.equal(shown.stdout.trim(), version);
    const check = await runCli(['migrate', '--check'], archiverEnv(h.env), 60_000, program.argv);
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /ready to archive public\.tickets: migrations up to date/);
    const sql = await runCli(['migrate'], archiverEnv(h.env, { DRY_RUN: 'true' }), 60_000, program.argv);
    assert.equal(sql.code, 0, sql.stderr);
    assert.match(
      sql.stdout,
      /GRANT SELECT, DELETE ON "public"\."tickets" TO ticket_archiver_mover/,
      'the shipped grants',
    );
    const connector = await runCli(
      ['register-connector'],
      archiverEnv(h.env, { DRY_RUN: 'true' }),
      60_000,
      program.argv,
    );
    assert.equal(connector.code, 0, connector.stderr);
    assert.equal((JSON.parse(connector.stdout) as { name: string }).name, 'tickets-cdc', 'the shipped connector');
    const status = await runCli(['status', '--json'], archiverEnv(h.env), 120_000, program.argv);
    const report = JSON.parse(status.stdout) as { exitCode: number; health: Array<{ part: string; ok: boolean }> };
    assert.equal(status.code, report.exitCode);
    assert.ok(
      report.health.every((p) => p.ok),
      JSON.stringify(report.health),
    );
  });

  it('archives a cold ticket from its change event and serves it from the archive', async () => {
    const groupId = await groupAtEnd(h.env, 'test-installed');
    const archiver = startArchiverProcess(
      h.env,
      { COLD_AFTER: '1h', ARCHIVER_GROUP_ID: groupId },
      [],
      ['archive'],
      program.argv,
    );
    try {
      await waitReady(archiver, 120_000);
      const customer = testCustomer();
      const [id = ''] = await insertTickets(h.stores.db, [
        { status: 'closed', ageSeconds: 7200, customerId: customer },
      ]);
      await waitFor('the ticket archived', async () => (await archivedCount(h.stores.cold, customer)) === 1, 120_000);
      assert.equal((await hotIds(h.stores.db, [id])).size, 0, 'gone from the hot table');
      const serve = startArchiverProcess(h.env, {}, [], ['serve'], program.argv);
      try {
        const res = await fetch(`http://127.0.0.1:${await serve.port()}/tickets/${id}?tier=cold`);
        assert.equal(res.status, 200);
        assert.equal(((await res.json()) as { ticket: { id: string } }).ticket.id, id);
      } finally {
        await serve.stop();
      }
    } finally {
      await archiver.stop();
    }
  });

  it('backfills: a dry run changes nothing in either store, then the backfill moves every cold ticket', async () => {
    const customer = testCustomer();
    const cold = await insertTickets(
      h.stores.db,
      Array.from({ length: 300 }, (_, i) => ({
        status: 'closed' as const,
        ageSeconds: 7200 + i,
        customerId: customer,
      })),
    );
    const later = await insertTickets(
      h.stores.db,
      Array.from({ length: 20 }, () => ({ status: 'closed' as const, ageSeconds: 60, customerId: customer })),
    );
    const settings = { COLD_AFTER: '1h', ARCHIVER_GROUP_ID: `test-installed-${Date.now()}`, THROTTLE: 'false' };
    const name = `installed-${Date.now()}`;
    const before = await storeDigests(h.stores);

    const dry = await runCli(
      ['backfill', '--name', name, '--json'],
      archiverEnv(h.env, { ...settings, DRY_RUN: 'true' }),
      300_000,
      program.argv,
    );
    assert.equal(dry.code, 0, dry.stderr.slice(-2000));
    const planned = JSON.parse(dry.stdout) as { dryRun: boolean; outcomes: { wouldMove?: number } };
    assert.ok(planned.dryRun);
    assert.ok((planned.outcomes.wouldMove ?? 0) >= cold.length, dry.stdout);
    assert.equal((await hotIds(h.stores.db, [...cold, ...later])).size, cold.length + later.length, 'every ticket hot');
    assert.deepEqual(await storeDigests(h.stores), before, 'no store changed');

    const real = await runCli(
      ['backfill', '--name', name, '--json'],
      archiverEnv(h.env, settings),
      300_000,
      program.argv,
    );
    assert.equal(real.code, 0, real.stderr.slice(-2000));
    assert.ok((JSON.parse(real.stdout) as { complete: boolean }).complete, real.stdout);
    assert.equal((await hotIds(h.stores.db, cold)).size, 0, 'every cold ticket left the hot table');
    assert.equal(await archivedCount(h.stores.cold, customer), cold.length, 'each archived once');
    assert.equal((await hotIds(h.stores.db, later)).size, later.length, 'those not yet cold stay');
  });
});
