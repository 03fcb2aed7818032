// The backfill as a Kubernetes Indexed Job runs it (infra/k8s/components/backfill/backfill-job.yaml), on the real
// stack: three processes started at once with BACKFILL_INDEXES=3 and their own JOB_COMPLETION_INDEX share one plan;
// one is killed with SIGKILL mid-way and another stopped with SIGTERM, and each is started again as the Job would (a
// new pod, same index). Every cold ticket ends archived exactly once, none missed, nothing else moved; `history` sums
// the processes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiverEnv } from '../support/archiverEnv.ts';
import { startArchiverProcess, type ArchiverProcess } from '../support/archiverProcess.ts';
import { archiverHarness } from '../support/harness.ts';
import { runCli } from '../support/runCli.ts';
import { archivedCount, coldDocs, hotIds, insertTickets, testCustomer } from '../support/tickets.ts';
import { waitFor } from '../support/waitFor.ts';

const h = archiverHarness();

interface Summary {
  complete: boolean;
  index: number;
  of: number;
  outcomes: Record<string, number>;
  slices: Array<{ slice: string; kind: string; done: boolean; handled: number }>;
}

const summaryOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Summary;

describe('the backfill shared by the indexes of a Job', () => {
  it('plans once, each index moves its own slices, killed and restarted indexes resume: every cold ticket once', async () => {
    const customer = testCustomer();
    // Spread over 20 years, older than any other test's tickets: the plan cuts time from the oldest candidate, so that
    // each index's slices hold about a third of these.
    const cold = await insertTickets(
      h.stores.db,
      Array.from({ length: 6000 }, (_, i) => ({
        status: 'closed' as const,
        ageSeconds: 7200 + i * 105_000,
        customerId: customer,
      })),
    );
    const open = await insertTickets(
      h.stores.db,
      Array.from({ length: 60 }, () => ({ status: 'in_progress' as const, ageSeconds: 7200, customerId: customer })),
    );
    const name = `job-${Date.now()}`;
    const settings = (index: number, pod: string) => ({
      COLD_AFTER: '1h',
      ARCHIVER_GROUP_ID: `test-job-${Date.now()}`,
      BACKFILL_INDEXES: '3',
      JOB_COMPLETION_INDEX: String(index),
      BACKFILL_WORKERS: '2',
      ARCHIVE_BATCH_SIZE: '50',
      THROTTLE: 'false',
      INSTANCE_NAME: `${name}-${index}-${pod}`,
    });
    const args = ['backfill', '--name', name, '--json'];
    // Slowed down, so that the faults land while each index is midway.
    const start = (index: number, pod: string) =>
      startArchiverProcess(h.env, { ...settings(index, pod), MAX_MOVES_PER_SECOND: '400' }, [], args);
    const pods: ArchiverProcess[] = [0, 1, 2].map((i) => start(i, 'a'));

    await waitFor(
      'a third of them moved',
      async () => (await hotIds(h.stores.db, cold)).size <= cold.length * 0.66,
      90_000,
    );
    await pods[1]!.kill9(); // a node lost: no shutdown, the page in flight neither saved nor (maybe) moved
    const backfills = h.stores.coldStore.client.db('ticket_archive').collection('backfills');
    const left = await backfills.countDocuments({ backfill: name, index: 1, done: false });
    assert.ok(left > 0, 'index 1 was killed with slices left to do');
    assert.equal(
      await pods[2]!.stop(),
      1,
      `a stopped index exits 1 (not complete):\n${pods[2]!.lines.slice(-5).join('\n')}`,
    );
    assert.ok((await hotIds(h.stores.db, cold)).size > 0, 'stopped before the end');

    // The Job's replacements: same index, new pod, at full speed, run to the end (the first index too).
    const finish = (index: number) =>
      runCli(args, archiverEnv(h.env, settings(index, 'b')), 300_000).then((r) => ({ ...r, index }));
    const [zero, one, two] = await Promise.all([pods[0]!.exited, finish(1), finish(2)]);
    assert.equal(zero, 0, pods[0]!.lines.slice(-10).join('\n'));
    for (const r of [one, two]) {
      assert.equal(r.code, 0, `index ${r.index}:\n${r.stderr.slice(-2000)}`);
      const s = summaryOf(r.stdout);
      assert.ok(s.complete && s.index === r.index && s.of === 3, r.stdout);
      assert.ok(r.stderr.includes('backfill resumed'), `index ${r.index} resumed the shared plan`);
    }

    // Planned once, by one of the first three; the others joined its plan.
    const logs = pods.flatMap((p) => p.lines);
    assert.equal(logs.filter((l) => l.includes('"backfill planned"')).length, 1, 'one plan');
    const slices = await h.stores.coldStore.client
      .db('ticket_archive')
      .collection('backfills')
      .find({ backfill: name })
      .toArray();
    assert.equal(slices.length, 3 * 2 + 1, 'two move slices per index and the timers');
    assert.deepEqual([...new Set(slices.map((s) => s.index as number))].sort(), [0, 1, 2]);
    assert.ok(slices.every((s) => s.done === true));

    assert.equal((await hotIds(h.stores.db, cold)).size, 0, 'every cold ticket left the hot table');
    const docs = await coldDocs(h.stores.cold, customer);
    assert.ok(
      [...docs.values()].every((d) => d.length === 1),
      'no ticket has two archives',
    );
    assert.equal(await archivedCount(h.stores.cold, customer), cold.length, 'each one archived once');
    assert.equal((await hotIds(h.stores.db, open)).size, open.length, 'nothing else moved');

    // history sums the processes: every slice's archived count, all three indexes done.
    const history = await runCli(['history', '--json', '--since', '1h'], archiverEnv(h.env), 120_000);
    assert.equal(history.code, 0, history.stderr.slice(-2000));
    const report = JSON.parse(history.stdout) as {
      backfills: Array<{ name: string; complete: boolean; archived: number; processes: number; processesDone: number }>;
    };
    const ours = report.backfills.find((b) => b.name === name);
    assert.ok(ours?.complete && ours.processes === 3 && ours.processesDone === 3, history.stdout.slice(0, 2000));
    // Not exact: the pages the killed process moved but had not saved (at most one per worker) are found gone when
    // read again, and the table holds other tests' old closed tickets, which this backfill moves too.
    assert.ok(ours.archived >= cold.length - 2 * 50, `archived ${ours.archived}`);

    const verify = await runCli(['verify', '--json'], archiverEnv(h.env), 600_000);
    assert.equal(verify.code, 0, verify.stdout.slice(-2000));
  });

  it('refuses to work a plan cut for another number of indexes, with an exit the Job does not retry', async () => {
    const name = `job-mismatch-${Date.now()}`;
    const base = { COLD_AFTER: '1h', THROTTLE: 'false', DRY_RUN: 'false' };
    const first = await runCli(
      ['backfill', '--name', name, '--json'],
      archiverEnv(h.env, { ...base, BACKFILL_INDEXES: '2', JOB_COMPLETION_INDEX: '1' }),
      300_000,
    );
    assert.equal(first.code, 0, first.stderr.slice(-2000));
    const other = await runCli(
      ['backfill', '--name', name],
      archiverEnv(h.env, { ...base, BACKFILL_INDEXES: '3', JOB_COMPLETION_INDEX: '0' }),
      120_000,
    );
    assert.equal(other.code, 3, other.stderr.slice(-2000));
    assert.match(other.stderr, /planned for 2 process\(es\).*BACKFILL_INDEXES=3/);
    const restart = await runCli(
      ['backfill', '--name', name, '--restart'],
      archiverEnv(h.env, { ...base, BACKFILL_INDEXES: '2', JOB_COMPLETION_INDEX: '0' }),
      120_000,
    );
    assert.equal(restart.code, 3, restart.stderr.slice(-2000));
    assert.match(restart.stderr, /--restart would forget the progress of all 2 processes/);
  });
});
