// The program behind the manifests: every container of the rendered dev overlay (the archiver's schema wait, the
// migrations Job, the archiver, the reconciler's CronJob) is run with exactly its command, arguments and environment
// (ConfigMap values as rendered, Secret references filled from the local stack, the in-cluster Kafka address replaced
// by the local stack's), against the real stack: the archiver becomes ready on its readiness probe's path and port and
// stops cleanly within the grace period, and a reconcile pass exits 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { containerEnv, workloads, type Workload } from '../../infra/k8s/checks/policies.ts';
import { kustomizeBuild, overlayDir, type K8sObject } from '../../infra/k8s/checks/render.ts';
import { ensureKustomize } from '../../infra/k8s/checks/tools.ts';
import { projectRoot, stackSettings } from '../../infra/local/settings.ts';
import type { StackEnv } from '../../infra/local/stack.ts';
import { loadVersions } from '../../infra/local/versions.ts';
import { ensureStack } from '../support/stack.ts';

interface Run {
  code: number | null;
  output: string;
}

describe('the program behind the manifests', () => {
  let env: StackEnv;
  let objects: K8sObject[];
  let bin: string;
  before(async () => {
    env = await ensureStack();
    objects = kustomizeBuild(ensureKustomize(stackSettings(), loadVersions(), () => undefined), overlayDir('dev')).objects;
    // The image's `ticket-archiver` (Dockerfile: a link to the compiled CLI), here the same CLI run from source.
    bin = mkdtempSync(join(tmpdir(), 'ticket-archiver-bin-'));
    writeFileSync(join(bin, 'ticket-archiver'), `#!/bin/sh\ncd ${projectRoot} && exec ${process.execPath} --import tsx services/cli/main.ts "$@"\n`);
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
    const secrets: Record<string, string> = { DATABASE_URL: env.DATABASE_URL, MONGODB_URL: env.MONGODB_URL, MIGRATIONS_DATABASE_URL: env.MIGRATIONS_DATABASE_URL };
    const { env: e, problems } = containerEnv(objects, w, ({ secret, key }) => {
      assert.equal(secret, 'ticket-archiver-stores', `only the documented Secret is referenced (${secret})`);
      const value = secrets[key];
      assert.ok(value, `Secret ticket-archiver-stores key ${key} is one the README documents`);
      return value;
    });
    assert.deepEqual(problems, []);
    // Containers that talk to Kafka name the in-cluster bootstrap service; here the local broker stands in for it.
    if (e.KAFKA_BROKERS === undefined) return { PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`, NODE_ENV: 'production', ...e };
    assert.equal(e.KAFKA_BROKERS, 'tickets-kafka-bootstrap:9092', 'the manifests name the in-cluster bootstrap service');
    // So do those that ask Kafka Connect's REST API (Strimzi's service of the KafkaConnect) for the connector's state.
    if (e.KAFKA_CONNECT_URL !== undefined) assert.equal(e.KAFKA_CONNECT_URL, 'http://tickets-connect-connect-api:8083');
    return { PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`, NODE_ENV: 'production', ...e, KAFKA_BROKERS: env.KAFKA_BROKERS, ...(e.KAFKA_CONNECT_URL ? { KAFKA_CONNECT_URL: env.KAFKA_CONNECT_URL } : {}) };
  };

  const start = (w: Workload) => {
    const [cmd, ...args] = w.container.command ?? [];
    const p = spawn(cmd!, [...args, ...(w.container.args ?? [])], { env: envOf(w), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<Run>((resolve) => p.on('exit', (code) => resolve({ code, output })));
    return { p, exited, output: () => output };
  };

  const runToEnd = async (w: Workload, limitMs: number): Promise<Run> => {
    const run = start(w);
    const timer = setTimeout(() => run.p.kill('SIGKILL'), limitMs);
    const result = await run.exited;
    clearTimeout(timer);
    return result;
  };

  it("the archiver's schema wait and the migrations Job exit 0 on the stack's schema", async () => {
    const wait = await runToEnd(container('Deployment', 'wait-for-schema'), 60_000);
    assert.equal(wait.code, 0, wait.output);
    assert.match(wait.output, /schema is up to date/);
    const migrate = await runToEnd(container('Job', 'migrate'), 120_000);
    assert.equal(migrate.code, 0, migrate.output);
    assert.match(migrate.output, /schema is up to date|applied \d+ migration/);
  });

  it('the archiver becomes ready on its readiness probe, is live, and stops within its grace period', async () => {
    const w = container('Deployment', 'archiver');
    const ports = new Map((w.container.ports ?? []).map((p) => [p.name, p.containerPort]));
    const probe = (name: 'livenessProbe' | 'readinessProbe' | 'startupProbe') => {
      const get = w.container[name]?.httpGet;
      assert.ok(get, `${name} over HTTP`);
      return `http://127.0.0.1:${typeof get.port === 'string' ? String(ports.get(get.port)) : get.port}${get.path ?? '/'}`;
    };
    const startup = { periodSeconds: w.container.startupProbe?.periodSeconds ?? 10, failureThreshold: w.container.startupProbe?.failureThreshold ?? 3 };
    const run = start(w);
    try {
      const deadline = Date.now() + startup.periodSeconds * startup.failureThreshold * 1000;
      let ready = false;
      while (!ready && Date.now() < deadline && run.p.exitCode === null) {
        ready = (await fetch(probe('readinessProbe')).then((r) => r.status).catch(() => 0)) === 200;
        if (!ready) await sleep(1000);
      }
      assert.ok(ready, `ready on ${probe('readinessProbe')} within the startup probe's budget\n${run.output()}`);
      assert.equal((await fetch(probe('livenessProbe'))).status, 200);
      const metrics = await (await fetch(probe('readinessProbe').replace(/\/readyz$/, '/metrics'))).text();
      assert.match(metrics, /ticket_archiver_assigned_partitions/);
      const grace = (w.podSpec.terminationGracePeriodSeconds as number) * 1000;
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
  });

  it("the reconciler's CronJob runs one pass that exits 0", async () => {
    const w = container('CronJob', 'reconciler');
    const deadline = (w.object.spec as { jobTemplate: { spec: { activeDeadlineSeconds: number } } }).jobTemplate.spec.activeDeadlineSeconds;
    const pass = await runToEnd(w, Math.min(deadline * 1000, 300_000));
    assert.equal(pass.code, 0, pass.output.slice(-3000));
  });
});
