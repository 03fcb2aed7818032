// `ticket-archiver status` on the real stack: healthy, degraded, a store down, during and after a backfill, and the
// same lag as Kafka's own consumer-group tool.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stopColdStore } from '../../infra/local/components/coldStore.ts';
import { stopConnect } from '../../infra/local/components/connect.ts';
import { ensureKafkaJars } from '../../infra/local/downloads.ts';
import { stackSettings } from '../../infra/local/settings.ts';
import { stackUp } from '../../infra/local/stack.ts';
import { loadVersions } from '../../infra/local/versions.ts';
import { archiverEnv } from '../support/archiverEnv.ts';
import { startArchiverProcess } from '../support/archiverProcess.ts';
import { archiverHarness } from '../support/harness.ts';
import { healthyStack } from '../support/healthyStack.ts';
import { runCli } from '../support/runCli.ts';
import { hotIds, insertTickets, testCustomer } from '../support/tickets.ts';
import { groupAtEnd } from '../support/ticketsTopic.ts';
import { waitFor } from '../support/waitFor.ts';

const h = archiverHarness({ COLD_AFTER: '1h' });

interface StatusJson {
  health: Array<{ part: string; ok: boolean }>;
  group?: { lag: { total: number; byPartition: Record<string, number> } };
  backlog?: { coldStillHot: number };
  rates?: { perSecond1m: number; perSecond5m: number };
  eta?: { seconds: number | null; low: number | null; high: number | null; basis: string };
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

describe('operators', () => {
  it("status: healthy and idle exits 0 with lag 0, the same lag Kafka's own tool reports", async () => {
    await healthyStack(h);
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

  it('status during a backfill shows a backlog, a rate and why no ETA yet; after it, the backlog and the ETA are 0', async () => {
    await healthyStack(h);
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
      // Seconds into the run (a minute or so on a slow machine): fewer than two full minutes, so no estimate, and why.
      assert.deepEqual(
        [during.report.eta?.low, during.report.eta?.high],
        [null, null],
        JSON.stringify(during.report.eta),
      );
      assert.match(during.report.eta?.basis ?? '', /^no estimate yet: [01] of 2 full minutes of moves/);
      assert.equal(await backfill.exited, 0, backfill.lines.slice(-5).join('\n'));
    } finally {
      await backfill.kill9();
    }
    const after = await status();
    assert.equal(after.report.backlog?.coldStillHot, 0, JSON.stringify(after.report.backlog));
    assert.deepEqual([after.report.eta?.seconds, after.report.eta?.low, after.report.eta?.high], [0, 0, 0]);
  });
});
