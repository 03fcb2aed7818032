// Do no harm: a user runs the product with the DEFAULT spec (the brief's table) on a database whose public.tickets
// is Zammad's. migrate refuses, naming every misfit, and leaves the database exactly as it was (no product schema,
// no publication, no trigger, no column changed); a mover refuses at start too; the help desk's updates still work.
// (Before issue 24, migrate committed a version trigger and then failed, and every business UPDATE broke.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import { EXIT_CANNOT_RETRY } from '../../services/core/errors.ts';
import { archiverEnv } from '../support/archiverEnv.ts';
import { catalogSnapshot, createDeskDatabase, deskEnv, deskNames } from '../support/helpdeskStack.ts';
import { zammad } from '../support/helpdeskShapes.ts';
import { runCli } from '../support/runCli.ts';
import { ensureStack } from '../support/stack.ts';

const names = deskNames('test_helpdesk_misfit');

/** A command's environment on the misfit database, with the default spec whatever the caller's shell sets. */
function defaultSpecEnv(env: StackEnv): NodeJS.ProcessEnv {
  const e = archiverEnv(env, { COLD_DATABASE: names.database, COLD_AFTER: '1h' });
  delete e.ARCHIVE_SPEC;
  return e;
}

describe('the default spec against a Zammad-shaped public.tickets', () => {
  let db: pg.Pool | undefined;
  after(async () => db?.end());

  it('migrate refuses naming each misfit, changes nothing, and the help desk keeps working', async () => {
    const stack = await ensureStack();
    // Zammad's tables in public instead of zammad: its public.tickets has an integer id, state_id and updated_at.
    await createDeskDatabase(stack, names, readFileSync(zammad.fixture, 'utf8').replaceAll('zammad', 'public'));
    const env = deskEnv(stack, names.database, stack.TICKETS_TOPIC);
    db = new pg.Pool({ connectionString: env.MIGRATIONS_DATABASE_URL, max: 2 });
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO public.tickets (group_id, priority_id, state_id, number, title, owner_id, customer_id, updated_by_id,
                                   created_by_id, created_at, updated_at)
       VALUES (1, 2, 2, 'misfit-1', 'Printer', 3, 4, 3, 3, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
       RETURNING id::text AS id`,
    );
    const id = rows[0]?.id;
    const before = await catalogSnapshot(db);
    assert.ok(before.includes('relation public.tickets kind r identity d'), 'the snapshot sees the table');

    const migrated = await runCli(['migrate'], defaultSpecEnv(env), 120_000);
    assert.equal(migrated.code, 1, migrated.stdout + migrated.stderr);
    const said = migrated.stderr;
    assert.match(said, /nothing was changed/);
    assert.match(said, /tickets"?\.id: is integer, the spec says bigint/);
    for (const column of ['last_operated_at', 'version', 'status', 'last_operator_id', 'last_operator_group_id'])
      assert.match(said, new RegExp(`tickets"?\\.${column}: no such column`), `names ${column}`);
    assert.deepEqual(await catalogSnapshot(db), before, 'the database is unchanged');

    // Neither a dry run, nor the check, nor a mover's start changes anything; each refuses (the backfill with the
    // exit of an error retrying cannot cure, which its Kubernetes Job does not retry).
    const refusals: Array<[string[], number]> = [
      [['migrate', '--dry-run'], 1],
      [['migrate', '--check'], 1],
      [['backfill'], EXIT_CANNOT_RETRY],
    ];
    for (const [args, code] of refusals) {
      const res = await runCli(args, defaultSpecEnv(env), 120_000);
      assert.equal(res.code, code, `${args.join(' ')}:\n${res.stdout}\n${res.stderr}`);
      assert.match(res.stdout + res.stderr, /last_operated_at/, args.join(' '));
    }
    const afterAll = await catalogSnapshot(db);
    assert.deepEqual(afterAll, before, 'still unchanged');
    assert.ok(!afterAll.some((l) => l.includes('ticket_archiver')), 'no product object at all');

    // The help desk's own update, as Rails writes it: no trigger of ours stands in the way.
    const updated = await db.query(
      `UPDATE public.tickets SET state_id = 4, title = 'Printer fixed', updated_at = now() AT TIME ZONE 'UTC'
        WHERE id = $1`,
      [id],
    );
    assert.equal(updated.rowCount, 1);
  });
});
