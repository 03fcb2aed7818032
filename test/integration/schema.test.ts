// The hot schema of the local stack: the product's re-runnable migrations, the demo table's version rule (business
// code's, which the default spec relies on), the indexes behind the agents' queries and the cold-candidate search, the
// CDC setup.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadMigrations } from '../../services/edges/hotStore/migrationFiles.ts';
import { migrate } from '../../services/edges/hotStore/migrations.ts';
import { CANDIDATE_INDEX } from '../../services/edges/hotStore/tableSql.ts';
import { archiverEnv } from '../support/archiverEnv.ts';
import { runCli } from '../support/runCli.ts';
import { defaultSpec } from '../support/specs.ts';
import { useStackDatabase } from '../support/stack.ts';

const stack = useStackDatabase();

async function planUses(sql: string, params: unknown[]): Promise<string> {
  await stack.db.query('BEGIN');
  try {
    // The tables are small in tests; forbid the sequential scan so the plan shows which index serves the query.
    await stack.db.query('SET LOCAL enable_seqscan = off');
    const { rows } = await stack.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await stack.db.query('ROLLBACK');
  }
}

describe('hot schema', () => {
  it('migrations are recorded and a re-run applies nothing', async () => {
    assert.deepEqual((await migrate(stack.env.MIGRATIONS_DATABASE_URL, defaultSpec)).applied, []);
    const { rows } = await stack.db.query<{ name: string }>(
      'SELECT name FROM ticket_archiver.migrations ORDER BY name',
    );
    assert.deepEqual(
      rows.map((r) => r.name),
      loadMigrations().map((m) => m.name),
    );
  });

  it('raises version on every update, whatever the writer sets', async () => {
    const { rows } = await stack.db.query<{ id: string; version: string }>(
      `INSERT INTO tickets (customer_id, status) VALUES (1, 'in_progress') RETURNING id, version`,
    );
    const id = rows[0]?.id;
    assert.equal(rows[0]?.version, '1');
    await stack.db.query('UPDATE tickets SET version = 1, subject = $2 WHERE id = $1', [id, 'x']);
    await stack.db.query('UPDATE tickets SET subject = subject WHERE id = $1', [id]);
    const after = await stack.db.query<{ version: string }>('SELECT version FROM tickets WHERE id = $1', [id]);
    assert.equal(after.rows[0]?.version, '3');
    await stack.db.query('DELETE FROM tickets WHERE id = $1', [id]);
  });

  it('refuses a status outside the contract', async () => {
    await assert.rejects(
      stack.db.query(`INSERT INTO tickets (customer_id, status) VALUES (1, 'archived')`),
      /check constraint/,
    );
  });

  it('serves each agent query and the cold-candidate search from an index', async () => {
    const cases: Array<[string, string, unknown[]]> = [
      ['tickets_unassigned_idx', `SELECT * FROM tickets WHERE status = 'unassigned' ORDER BY created_at LIMIT 50`, []],
      [
        'tickets_operator_recent_idx',
        `SELECT * FROM tickets WHERE last_operator_id = $1 AND status = 'in_progress' ORDER BY last_operated_at DESC LIMIT 50`,
        [7],
      ],
      [
        'tickets_operator_group_recent_idx',
        `SELECT * FROM tickets WHERE last_operator_group_id = $1 AND status = 'in_progress' ORDER BY last_operated_at DESC LIMIT 50`,
        [3],
      ],
      ['tickets_customer_idx', `SELECT * FROM tickets WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 50`, [42]],
      [
        CANDIDATE_INDEX,
        `SELECT * FROM tickets WHERE status = 'closed' AND last_operated_at >= now() - interval '1 month' ORDER BY last_operated_at DESC LIMIT 50`,
        [],
      ],
      [
        CANDIDATE_INDEX,
        `SELECT id, version FROM tickets WHERE status = 'closed' AND last_operated_at < now() - interval '30 days' ORDER BY last_operated_at, id LIMIT 1000`,
        [],
      ],
    ];
    for (const [index, sql, params] of cases) {
      const plan = await planUses(sql, params);
      assert.match(plan, new RegExp(index), `${sql}\n${plan}`);
    }
  });

  it('uses REPLICA IDENTITY DEFAULT and a publication of only tickets and the signal table', async () => {
    const ri = await stack.db.query<{ relreplident: string }>(
      `SELECT relreplident FROM pg_class WHERE oid = 'public.tickets'::regclass`,
    );
    assert.equal(ri.rows[0]?.relreplident, 'd');
    const pub = await stack.db.query<{ t: string }>(
      `SELECT schemaname || '.' || tablename AS t FROM pg_publication_tables WHERE pubname = 'ticket_archiver_cdc' ORDER BY 1`,
    );
    assert.deepEqual(
      pub.rows.map((r) => r.t),
      ['public.tickets', 'ticket_archiver.debezium_signal'],
    );
    const ops = await stack.db.query(
      `SELECT pubinsert, pubupdate, pubdelete, pubtruncate FROM pg_publication WHERE pubname = 'ticket_archiver_cdc'`,
    );
    assert.deepEqual(
      ops.rows[0],
      { pubinsert: true, pubupdate: true, pubdelete: false, pubtruncate: true },
      'deletes are not published',
    );
    const slot = await stack.db.query<{ plugin: string }>(
      `SELECT plugin FROM pg_replication_slots WHERE slot_name = 'ticket_archiver_cdc'`,
    );
    assert.equal(slot.rows[0]?.plugin, 'pgoutput');
  });

  it("builds the index of candidates anew, beside the old one, when the spec's definition changed", async () => {
    const oid = async () =>
      (await stack.db.query<{ oid: string }>(`SELECT to_regclass('public.${CANDIDATE_INDEX}')::oid::text AS oid`))
        .rows[0]?.oid;
    await migrate(stack.env.MIGRATIONS_DATABASE_URL, defaultSpec);
    const before = await oid();
    // As if an earlier spec had built it: its fingerprint is not this definition's.
    await stack.db.query(`COMMENT ON INDEX public.${CANDIDATE_INDEX} IS 'ticket-archiver candidates 0000000000000000'`);
    const check = await runCli(['migrate', '--check'], archiverEnv(stack.env), 60_000);
    assert.equal(check.code, 1, check.stdout);
    assert.match(check.stdout + check.stderr, /is not the spec's \(activity, key or row filter changed\)/);
    await migrate(stack.env.MIGRATIONS_DATABASE_URL, defaultSpec);
    const after = await oid();
    assert.ok(after && after !== before, 'a new index under the same name');
    const { rows } = await stack.db.query<{ valid: boolean; comment: string }>(
      `SELECT i.indisvalid AS valid, obj_description(i.indexrelid, 'pg_class') AS comment FROM pg_index i
        WHERE i.indexrelid = to_regclass('public.${CANDIDATE_INDEX}')`,
    );
    assert.equal(rows[0]?.valid, true);
    assert.match(rows[0]?.comment ?? '', /^ticket-archiver candidates [0-9a-f]{16}$/);
    const again = await runCli(['migrate', '--check'], archiverEnv(stack.env), 60_000);
    assert.equal(again.code, 0, again.stdout + again.stderr);

    // Built but never marked (a migrate stopped after the build): marked, not built again.
    await stack.db.query(`COMMENT ON INDEX public.${CANDIDATE_INDEX} IS NULL`);
    const unmarked = await runCli(['migrate', '--check'], archiverEnv(stack.env), 60_000);
    assert.match(unmarked.stdout + unmarked.stderr, /carries no fingerprint/);
    await migrate(stack.env.MIGRATIONS_DATABASE_URL, defaultSpec);
    assert.equal(await oid(), after, 'the same index, marked');
    assert.equal((await runCli(['migrate', '--check'], archiverEnv(stack.env), 60_000)).code, 0);
  });
});
