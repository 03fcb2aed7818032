// A real kube-apiserver (with etcd) accepts every core object of every overlay in a server-side dry run, and rejects
// what the OpenAPI schemas let through.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startApiServer, type ApiServer } from '../../infra/k8s/checks/apiServer.ts';
import { find, isCore, overlays, type K8sObject } from '../../infra/k8s/checks/render.ts';
import { ensureApiServerTools } from '../../infra/k8s/checks/tools.ts';
import {
  broken,
  log,
  migrationsJob,
  render,
  renderWithBackfill,
  renderWithTag,
  settings,
  versions,
} from '../support/k8sManifests.ts';

/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   the broken cases reach into a rendered manifest wherever the break goes, typed or not */
describe('Kubernetes manifests', () => {
  describe('a real kube-apiserver', () => {
    let api: ApiServer;
    before(async () => {
      api = await startApiServer(ensureApiServerTools(settings, versions, log));
    });
    after(async () => api?.stop());

    const dryRun = (objects: K8sObject[], namespace: string) => {
      api.kubectl(['create', 'namespace', namespace]);
      return api.kubectl(
        ['apply', '--dry-run=server', '--validate=strict', '-o', 'name', '-f', '-'],
        objects
          .filter(isCore)
          .map((o) => stringify(o))
          .join('---\n'),
      );
    };

    it('accepts every core object of every overlay in a server-side dry run', () => {
      const renders: Array<[string, K8sObject[]]> = [
        ...overlays.map((o): [string, K8sObject[]] => [o, render(o)]),
        ['prod with components/backfill', renderWithBackfill('prod')],
      ];
      for (const [overlay, objects] of renders) {
        const namespace = find(objects, 'Deployment').metadata.namespace!;
        const r = dryRun(objects, namespace);
        assert.equal(r.status, 0, `${overlay}: ${r.stderr}`);
        const accepted = r.stdout.trim().split('\n');
        assert.equal(accepted.length, objects.filter(isCore).length, r.stdout);
        assert.ok(
          accepted.some((l) => l.startsWith('cronjob.batch/')) &&
            accepted.some((l) => l.startsWith('deployment.apps/')),
          r.stdout,
        );
      }
    });

    it('takes an upgrade of the image applied twice, for real, without a delete: a new image is a new Job', () => {
      const release = render('prod');
      const next = renderWithTag('prod', '0.2.0');
      const namespace = find(release, 'Deployment').metadata.namespace!;
      const apply = (objects: K8sObject[]) =>
        api.kubectl(
          ['apply', '-o', 'name', '-f', '-'],
          objects
            .filter(isCore)
            .map((o) => stringify(o))
            .join('---\n'),
        );
      api.kubectl(['create', 'namespace', namespace]); // it may be there already: the dry run created it
      const first = apply(release);
      assert.equal(first.status, 0, first.stderr);
      const second = apply(next);
      assert.equal(second.status, 0, `the next release applied over the first:\n${second.stderr}`);
      const jobs = api.kubectl(['-n', namespace, 'get', 'jobs', '-o', 'name']).stdout.trim().split('\n').sort();
      assert.deepEqual(jobs, ['job.batch/ticket-archiver-migrate-0.1.0', 'job.batch/ticket-archiver-migrate-0.2.0']);
      // Not vacuously: the same two releases with the migrations Job under one name are refused by the same server.
      const fixed = (objects: K8sObject[]) =>
        broken(objects, 'Job', (j) => (j.metadata.name = 'ticket-archiver-migrate'), migrationsJob(objects));
      assert.equal(apply(fixed(release)).status, 0);
      const refused = apply(fixed(next));
      assert.notEqual(refused.status, 0);
      assert.match(
        refused.stderr,
        /The Job "ticket-archiver-migrate" is invalid: spec.template: .*field is immutable/s,
      );
    });

    it('rejects what the schemas let through: an invalid concurrencyPolicy, text where a number goes', () => {
      const policy = broken(render('dev'), 'CronJob', (c) => (c.spec.concurrencyPolicy = 'Sometimes'));
      const r1 = dryRun(policy, 'ticket-archiver-dev');
      assert.notEqual(r1.status, 0);
      assert.match(r1.stderr, /concurrencyPolicy.*Sometimes|Unsupported value: "Sometimes"/s);
      const grace = broken(
        render('dev'),
        'Deployment',
        (d) => (d.spec.template.spec.terminationGracePeriodSeconds = 'long'),
      );
      const r2 = dryRun(grace, 'ticket-archiver-dev');
      assert.notEqual(r2.status, 0);
      assert.match(r2.stderr, /terminationGracePeriodSeconds/);
      const api2 = stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Not_A_Name' } });
      assert.notEqual(
        api.kubectl(['apply', '--dry-run=server', '-f', '-'], api2).status,
        0,
        'an invalid name is refused',
      );
    });
  });
});
