// The program behind the manifests: every container of the rendered dev overlay (the archiver's schema wait, the
// migrations Job, the archiver, the reconciler's CronJob, the read API) is run with exactly its command, arguments and
// environment (ConfigMap values as rendered, Secret references filled from the local stack, the in-cluster Kafka
// address replaced by the local stack's) and its ConfigMap volumes (the archive spec) written where ARCHIVE_SPEC finds
// them, against the real stack: the archiver and the read API become ready on their
// readiness probe's path and port and stop cleanly within the grace period, and a reconcile pass exits 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { containerEnv, workloads, type Workload } from '../../infra/k8s/checks/workloads.ts';
import { kustomizeBuild, overlayDir, type K8sObject } from '../../infra/k8s/checks/render.ts';
import { renderedSpec } from '../../infra/k8s/checks/specPolicy.ts';
import { ensureKustomize } from '../../infra/k8s/checks/tools.ts';
import { projectRoot, stackSettings } from '../../infra/local/settings.ts';
import type { StackEnv } from '../../infra/local/stack.ts';
import { loadVersions } from '../../infra/local/versions.ts';
import { projectConfigMaps, withLocalMounts } from '../support/k8sMounts.ts';
import { ensureStack } from '../support/stack.ts';

interface Run {
  code: number | null;
  output: string;
}

/** The read API's bearer token, as the operator's Secret ticket-archiver-read-api would hold it. */
const API_TOKEN = 'k8s-program-test-token-0123456789';

describe('the program behind the manifests', () => {
  let env: StackEnv;
  let objects: K8sObject[];
  let bin: string;
  before(async () => {
    env = await ensureStack();
    objects = kustomizeBuild(
      ensureKustomize(stackSettings(), loadVersions(), () => undefined),
      overlayDir('dev'),
    ).objects;
    // The image's `ticket-archiver` (Dockerfile: a link to the compiled CLI), here the same CLI run from source.
    bin = mkdtempSync(join(tmpdir(), 'ticket-archiver-bin-'));
    writeFileSync(
      join(bin, 'ticket-archiver'),
      `#!/bin/sh\ncd ${projectRoot} && exec ${process.execPath} --import tsx services/cli/main.ts "$@"\n`,
    );
    chmodSync(join(bin, 'ticket-archiver'), 0o755);
  });
  after(() => rmSync(bin, { recursive: true, force: true }));

  const container = (kind: string, name: string): Workload => {
    const w = workloads(objects).find((x) => x.object.kind === kind && x.container.name === name);
    assert.ok(w, `${kind} container ${name} is rendered`);
    return w;
  };

  /** The container's environment as Kubernetes would give it, and nothing of this test process's. */
  const envOf = (w: Workload): Record<string, string> => {
    // The Secrets the README has the operator create, filled from the local stack (each role's own URL).
    const secrets: Record<string, Record<string, string>> = {
      'ticket-archiver-stores': {
        DATABASE_URL: env.DATABASE_URL,
        MONGODB_URL: env.MONGODB_URL,
        MIGRATIONS_DATABASE_URL: env.MIGRATIONS_DATABASE_URL,
        READ_DATABASE_URL: env.READ_DATABASE_URL,
        RESTORE_DATABASE_URL: env.RESTORE_DATABASE_URL,
      },
      'ticket-archiver-read-api': { API_TOKEN },
    };
    const { env: given, problems } = containerEnv(objects, w, ({ secret, key }) => {
      assert.ok(secrets[secret], `only the documented Secrets are referenced (${secret})`);
      const value = secrets[secret][key];
      assert.ok(value, `Secret ${secret} key ${key} is one the README documents`);
      return value;
    });
    assert.deepEqual(problems, []);
    // Its ConfigMap volumes, each container's in a directory of its own, as the pod would mount them.
    const mounts = projectConfigMaps(objects, w, join(bin, 'mounts', `${w.object.kind}-${w.container.name}`));
    const e = withLocalMounts(given, mounts);
    if (e.ARCHIVE_SPEC !== undefined)
      assert.ok(existsSync(e.ARCHIVE_SPEC), `${w.container.name}: ARCHIVE_SPEC ${given.ARCHIVE_SPEC} is mounted`);
    // Containers that talk to Kafka name the in-cluster bootstrap service; here the local broker stands in for it.
    if (e.KAFKA_BROKERS === undefined)
      return { PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`, NODE_ENV: 'production', ...e };
    assert.equal(
      e.KAFKA_BROKERS,
      'tickets-kafka-bootstrap:9092',
      'the manifests name the in-cluster bootstrap service',
    );
    // So do those that ask Kafka Connect's REST API (Strimzi's service of the KafkaConnect) for the connector's state.
    if (e.KAFKA_CONNECT_URL !== undefined) assert.equal(e.KAFKA_CONNECT_URL, 'http://tickets-connect-connect-api:8083');
    return {
      PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`,
      NODE_ENV: 'production',
      ...e,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      ...(e.KAFKA_CONNECT_URL ? { KAFKA_CONNECT_URL: env.KAFKA_CONNECT_URL } : {}),
    };
  };

  /** `set`: what Kubernetes itself gives a pod beyond its manifest (an Indexed Job's completion index). */
  const start = (w: Workload, set: Record<string, string> = {}) => {
    const [cmd, ...args] = w.container.command ?? [];
    const p = spawn(cmd!, [...args, ...(w.container.args ?? [])], {
      env: { ...envOf(w), ...set },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<Run>((resolve) => p.on('exit', (code) => resolve({ code, output })));
    return { p, exited, output: () => output };
  };

  const runToEnd = async (w: Workload, limitMs: number, set: Record<string, string> = {}): Promise<Run> => {
    const run = start(w, set);
    const timer = setTimeout(() => run.p.kill('SIGKILL'), limitMs);
    const result = await run.exited;
    clearTimeout(timer);
    return result;
  };

  it("the archiver's schema wait and the migrations Job exit 0 on the stack's schema", async () => {
    const wait = await runToEnd(container('Deployment', 'wait-for-schema'), 60_000);
    assert.equal(wait.code, 0, wait.output);
    assert.match(wait.output, /ready to archive public\.tickets: migrations up to date/);
    const migrate = await runToEnd(container('Job', 'migrate'), 120_000);
    assert.equal(migrate.code, 0, migrate.output);
    assert.match(migrate.output, /migrations up to date|applied \d+ migration/);
    assert.match(migrate.output, /ready to archive public\.tickets/);
  });

  it("the backfill Job's pods, one per index, plan once and each work their own slices (a dry run)", async () => {
    const w = container('Job', 'backfill');
    const name = w.container.command?.[w.container.command.indexOf('--name') + 1];
    // DRY_RUN, the one setting added: the manifest's COLD_AFTER (30d) would move the shared test table's old tickets.
    const runs = await Promise.all(
      ['0', '1'].map((index) => runToEnd(w, 180_000, { JOB_COMPLETION_INDEX: index, DRY_RUN: 'true' })),
    );
    assert.equal(runs.length, 2);
    for (const [index, run] of runs.entries()) {
      assert.equal(run.code, 0, run.output);
      const summary = JSON.parse(run.output.split('\n').find((l) => l.startsWith('{"backfill"')) ?? '{}') as {
        backfill?: string;
        index?: number;
        of?: number;
        complete?: boolean;
      };
      assert.deepEqual(
        { backfill: summary.backfill, index: summary.index, of: summary.of, complete: summary.complete },
        { backfill: name, index, of: 2, complete: true },
        run.output.slice(-2000),
      );
    }
  });

  /** Starts a serving container, waits for its readiness probe within the startup probe's budget, runs `whileReady`
   * against its probes' base URL, then stops it as Kubernetes would (SIGTERM after the preStop pause, which the grace
   * period includes) and expects a clean exit within what is left of the grace period. */
  const serveUntilStopped = async (w: Workload, whileReady: (base: string) => Promise<void>) => {
    const ports = new Map((w.container.ports ?? []).map((p) => [p.name, p.containerPort]));
    const probe = (name: 'livenessProbe' | 'readinessProbe' | 'startupProbe') => {
      const get = w.container[name]?.httpGet;
      assert.ok(get, `${name} over HTTP`);
      return `http://127.0.0.1:${typeof get.port === 'string' ? String(ports.get(get.port)) : get.port}${get.path ?? '/'}`;
    };
    const startup = {
      periodSeconds: w.container.startupProbe?.periodSeconds ?? 10,
      failureThreshold: w.container.startupProbe?.failureThreshold ?? 3,
    };
    const run = start(w);
    try {
      const deadline = Date.now() + startup.periodSeconds * startup.failureThreshold * 1000;
      let ready = false;
      while (!ready && Date.now() < deadline && run.p.exitCode === null) {
        ready =
          (await fetch(probe('readinessProbe'))
            .then((r) => r.status)
            .catch(() => 0)) === 200;
        if (!ready) await sleep(1000);
      }
      assert.ok(ready, `ready on ${probe('readinessProbe')} within the startup probe's budget\n${run.output()}`);
      assert.equal((await fetch(probe('livenessProbe'))).status, 200);
      await whileReady(new URL(probe('readinessProbe')).origin);
      const pauseMs = (w.container.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
      const grace = (w.podSpec.terminationGracePeriodSeconds as number) * 1000 - pauseMs;
      const stoppedAt = Date.now();
      run.p.kill('SIGTERM');
      const timer = setTimeout(() => run.p.kill('SIGKILL'), grace);
      const result = await run.exited;
      clearTimeout(timer);
      assert.equal(result.code, 0, `stops cleanly on SIGTERM\n${result.output.slice(-2000)}`);
      assert.ok(Date.now() - stoppedAt < grace, `stopped in ${Date.now() - stoppedAt} ms, within ${grace} ms`);
    } finally {
      run.p.kill('SIGKILL');
    }
  };

  it('the archiver becomes ready on its readiness probe, is live, and stops within its grace period', async () => {
    await serveUntilStopped(container('Deployment', 'archiver'), async (base) => {
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /ticket_archiver_assigned_partitions/);
    });
  });

  it('the read API becomes ready on its readiness probe, reads as its role, holds restores to its token, and stops within its grace period', async () => {
    const w = container('Deployment', 'read-api');
    await serveUntilStopped(w, async (base) => {
      // A read through the reader's role (READ_DATABASE_URL) of a list the mounted spec declares (its route exists
      // only when serve read that spec): the list runs, whatever the stack holds.
      const list = await fetch(`${base}/lists/${renderedSpec(objects)!.lists[0]!.name}/1/tickets?limit=1`);
      assert.equal(list.status, 200, await list.clone().text());
      // Restore is on (API_TOKEN from its Secret) and refused without the token.
      const restore = await fetch(`${base}/tickets/1/restore`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"holdFor": "1h"}',
      });
      assert.equal(restore.status, 401);
      assert.match(await restore.text(), /a valid bearer token is required/);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /ticket_archiver_read_api_process_/);
    });
  });

  it("the reconciler's CronJob runs one pass that exits 0", async () => {
    const w = container('CronJob', 'reconciler');
    const deadline = (w.object.spec as { jobTemplate: { spec: { activeDeadlineSeconds: number } } }).jobTemplate.spec
      .activeDeadlineSeconds;
    const pass = await runToEnd(w, Math.min(deadline * 1000, 300_000));
    assert.equal(pass.code, 0, pass.output.slice(-3000));
  });
});
