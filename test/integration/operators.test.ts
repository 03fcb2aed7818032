// The operators' commands on the real stack: status (healthy, degraded, a store down, during and after a backfill,
// the same lag as Kafka's own consumer-group tool), history (samples that add up, and outlive the processes), audit
// (an archived, a restored, and a stuck-then-finished ticket), and plan (its counts equal SQL's, under a lock that
// only plain SELECTs get past).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { stopColdStore } from '../../infra/local/components/coldStore.ts';
import { stopConnect } from '../../infra/local/components/connect.ts';
import { ensureKafkaJars } from '../../infra/local/downloads.ts';
import { stackSettings } from '../../infra/local/settings.ts';
import { stackUp } from '../../infra/local/stack.ts';
import { loadVersions } from '../../infra/local/versions.ts';
import { archiverEnv } from '../support/archiverEnv.ts';
import { startArchiverProcess } from '../support/archiverProcess.ts';
import { archiverHarness } from '../support/harness.ts';
import { runCli } from '../support/runCli.ts';
import { archivedCount, hotIds, insertTickets, testCustomer } from '../support/tickets.ts';
import { groupAtEnd } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';

const h = archiverHarness({ COLD_AFTER: '1h' });

interface StatusJson {
  health: Array<{ part: string; ok: boolean }>;
  group?: { lag: { total: number; byPartition: Record<string, number> } };
  backlog?: { coldStillHot: number };
  rates?: { perSecond1m: number; perSecond5m: number };
  eta?: { seconds: number | null; basis: string };
  problems: string[];
  exitCode: number;
}

async function status(
  overrides: Record<string, string> = {},
): Promise<{ code: number | null; report: StatusJson; stderr: string }> {
  const res = await runCli(['status', '--json'], archiverEnv(h.env, { COLD_AFTER: '1h', ...overrides }), 120_000);
  return {
    code: res.code,
    report: JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as StatusJson,
    stderr: res.stderr,
  };
}

/** A healthy stack: every component up, a recent completed reconcile pass, no escalation left by earlier tests. */
async function healthy(): Promise<void> {
  await stackUp(() => undefined);
  await h.stores.cold.stuck.deleteMany({ escalated: true });
  const pass = await runCli(['reconcile', '--once'], archiverEnv(h.env, { COLD_AFTER: '1h' }), 300_000);
  assert.equal(pass.code, 0, pass.stderr.slice(-2000));
}

describe('operators', () => {
  it("status: healthy and idle exits 0 with lag 0, the same lag Kafka's own tool reports", async () => {
    await healthy();
    const group = await groupAtEnd(h.env, 'test-status');
    const { code, report } = await status({ ARCHIVER_GROUP_ID: group });
    assert.equal(code, 0, JSON.stringify(report.problems));
    assert.equal(report.exitCode, 0);
    assert.equal(report.group?.lag.total, 0);
    assert.ok(
      report.health.every((p) => p.ok),
      JSON.stringify(report.health),
    );
    // kafka-consumer-groups --describe: LAG per partition, from the broker's own view.
    const lib = ensureKafkaJars(stackSettings(), loadVersions(), () => undefined);
    const tool = spawnSync(
      'java',
      [
        '-cp',
        join(lib, '*'),
        'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
        '--bootstrap-server',
        h.env.KAFKA_BROKERS,
        '--describe',
        '--group',
        group,
      ],
      { encoding: 'utf8' },
    );
    const lags = tool.stdout
      .split('\n')
      .filter((l) => l.includes(h.env.TICKETS_TOPIC))
      .map((l) => l.trim().split(/\s+/));
    assert.ok(lags.length >= 6, tool.stdout + tool.stderr);
    for (const cols of lags)
      assert.equal(report.group?.lag.byPartition[cols[2] ?? ''], Number(cols[5]), `partition ${cols[2]}`);
  });

  it('status: Kafka Connect stopped exits 1 naming the connector; the cold store stopped exits 2 naming it', async () => {
    const s = stackSettings();
    try {
      await stopConnect(s);
      const down = await status();
      assert.equal(down.code, 1, JSON.stringify(down.report.problems));
      assert.ok(
        down.report.problems.some((p) => p.startsWith('connector:') && p.includes('tickets-cdc')),
        down.report.problems.join('\n'),
      );
      await stackUp(() => undefined);
      await stopColdStore(s, loadVersions());
      const coldDown = await status();
      assert.equal(coldDown.code, 2, JSON.stringify(coldDown.report.problems));
      assert.ok(
        coldDown.report.problems.some((p) => p.startsWith('cold store:')),
        coldDown.report.problems.join('\n'),
      );
    } finally {
      await stackUp(() => undefined);
    }
    await h.stores.coldStore.client.connect();
  });

  it('status during a backfill shows a backlog, a rate and an ETA; after it, the backlog is 0', async () => {
    await healthy();
    const customer = testCustomer();
    const ids = await insertTickets(
      h.stores.db,
      Array.from({ length: 4000 }, (_, i) => ({
        status: 'closed' as const,
        ageSeconds: 7200 + i,
        customerId: customer,
      })),
    );
    const backfill = startArchiverProcess(
      h.env,
      { COLD_AFTER: '1h', MAX_MOVES_PER_SECOND: '200', THROTTLE: 'false', INSTANCE_NAME: 'test-status-backfill' },
      [],
      ['backfill', '--name', `status-${Date.now()}`],
    );
    try {
      await waitFor('moves under way', async () => (await hotIds(h.stores.db, ids)).size < ids.length - 400, 60_000);
      const during = await status();
      assert.ok((during.report.backlog?.coldStillHot ?? 0) > 0, JSON.stringify(during.report.backlog));
      assert.ok((during.report.rates?.perSecond1m ?? 0) > 0, JSON.stringify(during.report.rates));
      assert.ok((during.report.eta?.seconds ?? 0) > 0, JSON.stringify(during.report.eta));
      assert.equal(await backfill.exited, 0, backfill.lines.slice(-5).join('\n'));
    } finally {
      await backfill.kill9();
    }
    const after = await status();
    assert.equal(after.report.backlog?.coldStillHot, 0, JSON.stringify(after.report.backlog));
    assert.equal(after.report.eta?.seconds, 0);
  });

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

  it("audit tells an archived, a restored, and a stuck-then-finished ticket's story", async () => {
    await healthy();
    const group = await groupAtEnd(h.env, 'test-audit');
    const [archived, restored, stuck] = (await insertTickets(
      h.stores.db,
      Array.from({ length: 3 }, () => ({ status: 'closed' as const, ageSeconds: 7200 })),
    )) as [string, string, string];
    const holder = new pg.Client({ connectionString: h.env.MIGRATIONS_DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE', [stuck]);
      await h.archiver({ ARCHIVER_GROUP_ID: group, STUCK_RETRY_DELAY: '1s' });
      await waitFor('two archived', async () => (await hotIds(h.stores.db, [archived, restored])).size === 0, 60_000);
      await waitFor(
        'one stuck',
        async () => (await h.stores.cold.listStuck({})).some((s) => s._id.toString() === stuck),
        30_000,
      );
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    const restore = await runCli(['restore', restored, '--hold', '1h'], archiverEnv(h.env));
    assert.equal(restore.code, 0, restore.stderr);
    await sleep(1500);
    const pass = await runCli(
      ['reconcile', '--once'],
      archiverEnv(h.env, { COLD_AFTER: '1h', STUCK_RETRY_BASE: '1s', ARCHIVER_GROUP_ID: group }),
      300_000,
    );
    assert.equal(pass.code, 0, pass.stderr.slice(-2000));

    const audit = async (id: string) => {
      const res = await runCli(['audit', id, '--json'], archiverEnv(h.env, { ARCHIVER_GROUP_ID: group }));
      assert.equal(res.code, 0, res.stderr);
      return JSON.parse(res.stdout) as { now: { tier: string }; steps: Array<{ what: string }> };
    };
    const a = await audit(archived);
    assert.equal(a.now.tier, 'cold');
    const aSteps = a.steps.map((s) => s.what).join('\n');
    assert.match(aSteps, /copied to the cold store .* decided by change events, partition \d+ offsets \d+\.\.\d+/);
    assert.match(aSteps, /move committed: the copy is the archive/);
    assert.match(aSteps, /deleted from the hot table/);

    const r = await audit(restored);
    assert.equal(r.now.tier, 'hot');
    assert.match(
      r.steps.map((s) => s.what).join('\n'),
      /copied to the cold store[\s\S]*restored: put back into the hot table/,
    );

    const s = await audit(stuck);
    assert.equal(s.now.tier, 'cold');
    const sSteps = s.steps.map((x) => x.what).join('\n');
    assert.match(sSteps, /deletion stuck, recorded for the reconciler/);
    assert.match(sSteps, /stuck deletion closed/);
    assert.match(sSteps, /confirmed as the archive on its own|move committed/);
  });

  it("plan: its counts equal SQL's, and it runs while another session holds an EXCLUSIVE lock on tickets", async () => {
    await insertTickets(
      h.stores.db,
      Array.from({ length: 200 }, (_, i) => ({ status: 'closed' as const, ageSeconds: 86_400 * (40 + i) })),
    );
    await insertTickets(
      h.stores.db,
      Array.from({ length: 50 }, (_, i) => ({ status: 'closed' as const, ageSeconds: 3600 * i })),
    );
    // A table where the closed tickets are few, as in production, so the planner has a reason to use the partial index.
    const busy = testCustomer();
    const open = await insertTickets(
      h.stores.db,
      Array.from({ length: 20_000 }, () => ({ status: 'in_progress' as const, ageSeconds: 60, customerId: busy })),
    );
    await h.stores.db.query('ANALYZE public.tickets');
    const locker = new pg.Client({ connectionString: h.env.MIGRATIONS_DATABASE_URL });
    await locker.connect();
    let report: {
      cold: { count: number; byMonth: Array<{ month: string; count: number }> };
      turningColdPerDay: Array<{ day: string; count: number }>;
      queries: Array<{ plan: string }>;
    };
    try {
      // EXCLUSIVE conflicts with every lock but ACCESS SHARE: only plain SELECTs get past it.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE public.tickets IN EXCLUSIVE MODE');
      const res = await runCli(['plan', '--json'], archiverEnv(h.env, { COLD_AFTER: '30d' }), 60_000);
      assert.equal(res.code, 0, res.stderr);
      report = JSON.parse(res.stdout) as typeof report;
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
      await h.stores.db.query('DELETE FROM public.tickets WHERE customer_id = $1', [busy]);
    }
    assert.equal(open.length, 20_000);
    const sql = await h.stores.db.query<{ month: string; n: string }>(
      `SELECT to_char(date_trunc('month', last_operated_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, count(*)::text AS n
         FROM tickets WHERE status = 'closed' AND last_operated_at <= now() - interval '30 days' GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(
      report.cold.byMonth,
      sql.rows.map((r) => ({ month: r.month, count: Number(r.n) })),
    );
    assert.equal(
      report.cold.count,
      sql.rows.reduce((n, r) => n + Number(r.n), 0),
    );
    const soon = await h.stores.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM tickets WHERE status = 'closed' AND last_operated_at > now() - interval '30 days'`,
    );
    assert.equal(
      report.turningColdPerDay.reduce((n, d) => n + d.count, 0),
      Number(soon.rows[0]?.n),
    );
    assert.match(
      report.queries[0]?.plan ?? '',
      /Index Only Scan|Index Scan/,
      'the monthly count reads the partial index',
    );
  });
});
