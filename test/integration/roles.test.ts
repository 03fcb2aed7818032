// Least privilege on the real hot database: each job's role (infra/postgres/migrations/grants.sql) can do its job and
// nothing more, and a refused connection names its cause without the secret. The rest of the suite runs every job
// as its own role, which proves each can do its job.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { archiverEnv } from '../support/archiverEnv.ts';
import { runCli } from '../support/runCli.ts';
import { useStackDatabase } from '../support/stack.ts';
import { insertTickets } from '../support/tickets.ts';

const stack = useStackDatabase();

/** Runs `sql` as the role of `url` inside a transaction that is rolled back; returns the error code, if any. */
async function attempt(url: string, sql: string, params: unknown[] = []): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(sql, params);
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}

const DENIED = '42501';

describe('roles', () => {
  it('the movers read and delete tickets and keep their ledger, and cannot insert, update, truncate or alter tickets', async () => {
    const [id] = (await insertTickets(stack.db, [{ status: 'closed', ageSeconds: 7200 }])) as [string];
    const url = stack.env.DATABASE_URL;
    assert.equal(new URL(url).username, 'ticket_archiver_mover', 'the stack hands the movers their own role');
    assert.equal(await attempt(url, 'SELECT * FROM public.tickets WHERE id = $1', [id]), undefined);
    assert.equal(await attempt(url, 'DELETE FROM public.tickets WHERE id = $1', [id]), undefined);
    assert.equal(
      await attempt(
        url,
        "INSERT INTO ticket_archiver.ledger (ticket_key, version, state, mover) VALUES ($1, 1, 'archived', 'test') ON CONFLICT (ticket_key) DO UPDATE SET at = now()",
        [id],
      ),
      undefined,
    );
    assert.equal(await attempt(url, 'DELETE FROM ticket_archiver.ledger WHERE ticket_key = $1', [id]), undefined);
    assert.equal(await attempt(url, 'SELECT name FROM ticket_archiver.migrations'), undefined);
    assert.equal(await attempt(url, "UPDATE public.tickets SET subject = 'x' WHERE id = $1", [id]), DENIED, 'UPDATE');
    assert.equal(
      await attempt(url, 'SELECT id FROM public.tickets WHERE id = $1 FOR UPDATE', [id]),
      DENIED,
      'row locks need UPDATE',
    );
    assert.equal(
      await attempt(url, "SELECT * FROM ticket_archiver.lock_copied(ARRAY[$1]::text[], ARRAY['1']::text[])", [id]),
      undefined,
      "the copied rows, through the owner's function",
    );
    assert.equal(
      await attempt(url, "INSERT INTO public.tickets (customer_id, status) VALUES (1, 'closed')"),
      DENIED,
      'INSERT',
    );
    assert.equal(await attempt(url, 'TRUNCATE public.tickets'), DENIED, 'TRUNCATE');
    assert.equal(await attempt(url, 'ALTER TABLE public.tickets ADD COLUMN x_mover int'), DENIED, 'ALTER');
    assert.equal(await attempt(url, 'DROP INDEX public.tickets_pkey'), DENIED, 'DROP INDEX');
    assert.equal(await attempt(url, 'CREATE TABLE public.x_mover (a int)'), DENIED, 'CREATE TABLE');
    assert.equal(
      await attempt(url, "DELETE FROM ticket_archiver.migrations WHERE name = ''"),
      DENIED,
      'the migrations record',
    );
    const monitor = await stack.db.query<{ member: boolean }>(
      "SELECT pg_has_role('ticket_archiver_mover', 'pg_monitor', 'MEMBER') AS member",
    );
    assert.equal(monitor.rows[0]?.member, true, "reads other sessions' lock waits for the throttle");
    await stack.db.query('DELETE FROM public.tickets WHERE id = $1', [id]);
  });

  it('restore inserts tickets and records the restore, and cannot delete, update or alter tickets', async () => {
    const [id] = (await insertTickets(stack.db, [{ status: 'closed', ageSeconds: 7200 }])) as [string];
    const url = stack.env.RESTORE_DATABASE_URL;
    assert.equal(new URL(url).username, 'ticket_archiver_restorer');
    const fresh = '9000000000000000001';
    assert.equal(
      await attempt(url, "INSERT INTO public.tickets (id, customer_id, status) VALUES ($1, 1, 'closed')", [fresh]),
      undefined,
    );
    assert.equal(
      await attempt(
        url,
        "INSERT INTO ticket_archiver.ledger (ticket_key, version, state, hold_until, mover) VALUES ($1, 1, 'restored', now(), 'test') ON CONFLICT (ticket_key) DO UPDATE SET state = 'restored'",
        [fresh],
      ),
      undefined,
    );
    assert.equal(await attempt(url, 'DELETE FROM public.tickets WHERE id = $1', [id]), DENIED, 'DELETE');
    assert.equal(
      await attempt(url, "SELECT * FROM ticket_archiver.lock_copied(ARRAY[$1]::text[], ARRAY['1']::text[])", [id]),
      DENIED,
      "the movers' lock",
    );
    assert.equal(await attempt(url, "UPDATE public.tickets SET subject = 'x' WHERE id = $1", [id]), DENIED, 'UPDATE');
    assert.equal(await attempt(url, 'TRUNCATE public.tickets'), DENIED, 'TRUNCATE');
    assert.equal(await attempt(url, 'ALTER TABLE public.tickets ADD COLUMN x_restorer int'), DENIED, 'ALTER');
    assert.equal(
      await attempt(url, 'DELETE FROM ticket_archiver.ledger WHERE ticket_key = $1', [id]),
      DENIED,
      "the ledger's history",
    );
    await stack.db.query('DELETE FROM public.tickets WHERE id = $1', [id]);
  });

  it('the read API reads tickets and the ledger, and can change nothing', async () => {
    const [id] = (await insertTickets(stack.db, [{ status: 'closed', ageSeconds: 7200 }])) as [string];
    const url = stack.env.READ_DATABASE_URL;
    assert.equal(new URL(url).username, 'ticket_archiver_reader');
    assert.equal(await attempt(url, 'SELECT * FROM public.tickets WHERE id = $1', [id]), undefined);
    assert.equal(await attempt(url, 'SELECT * FROM ticket_archiver.ledger WHERE ticket_key = $1', [id]), undefined);
    assert.equal(await attempt(url, 'DELETE FROM public.tickets WHERE id = $1', [id]), DENIED, 'DELETE');
    assert.equal(await attempt(url, "UPDATE public.tickets SET subject = 'x' WHERE id = $1", [id]), DENIED, 'UPDATE');
    assert.equal(
      await attempt(url, "INSERT INTO public.tickets (customer_id, status) VALUES (1, 'closed')"),
      DENIED,
      'INSERT',
    );
    assert.equal(
      await attempt(url, 'SELECT id FROM public.tickets WHERE id = $1 FOR UPDATE', [id]),
      DENIED,
      'row locks',
    );
    assert.equal(
      await attempt(
        url,
        "INSERT INTO ticket_archiver.ledger (ticket_key, version, state, mover) VALUES ($1, 1, 'archived', 'test')",
        [id],
      ),
      DENIED,
      'the ledger',
    );
    await stack.db.query('DELETE FROM public.tickets WHERE id = $1', [id]);
  });

  it('Debezium reads tickets and nothing more of them', async () => {
    const { rows } = await stack.db.query<Record<string, boolean>>(
      `SELECT has_table_privilege('debezium', 'public.tickets', 'SELECT') AS select, has_table_privilege('debezium', 'public.tickets', 'INSERT') AS insert,
              has_table_privilege('debezium', 'public.tickets', 'UPDATE') AS update, has_table_privilege('debezium', 'public.tickets', 'DELETE') AS delete,
              has_table_privilege('debezium', 'public.tickets', 'TRUNCATE') AS truncate, has_table_privilege('debezium', 'ticket_archiver.ledger', 'SELECT') AS ledger`,
    );
    assert.deepEqual(rows[0], {
      select: true,
      insert: false,
      update: false,
      delete: false,
      truncate: false,
      ledger: false,
    });
  });

  it('a refused connection names its cause and never the secret', async () => {
    const hot = new URL(stack.env.DATABASE_URL);
    hot.password = 'not-the-password-hot-7f3a';
    const cold = new URL(stack.env.MONGODB_URL);
    const coldSecret = decodeURIComponent(cold.password);
    for (const env of [archiverEnv(stack.env, { DATABASE_URL: hot.toString() }), archiverEnv(stack.env)]) {
      const run = await runCli(['verify'], env, 120_000);
      const out = `${run.stdout}\n${run.stderr}`;
      for (const secret of [
        'not-the-password-hot-7f3a',
        decodeURIComponent(new URL(stack.env.DATABASE_URL).password),
        coldSecret,
      ].filter((s) => s.length > 0)) {
        assert.ok(!out.includes(secret), `the output of verify never holds a password (exit ${run.code})`);
      }
      if (env.DATABASE_URL === hot.toString()) {
        assert.notEqual(run.code, 0);
        assert.match(out, /password authentication failed for user "ticket_archiver_mover"/);
      }
    }
  });
});
