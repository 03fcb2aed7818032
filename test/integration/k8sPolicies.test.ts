// Our policies (infra/k8s/checks/policies.ts) hold on every overlay, and each fails on a manifest that breaks it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allPolicies, policies } from '../../infra/k8s/checks/policies.ts';
import { overlays, type K8sObject } from '../../infra/k8s/checks/render.ts';
import { broken, migrationsJob, render, renderWithBackfill, sharedSettings } from '../support/k8sManifests.ts';
import { readApiCases } from '../support/k8sReadApiBreaks.ts';
import { backfillCases } from '../support/k8sBackfillBreaks.ts';
import { specCases } from '../support/k8sSpecBreaks.ts';

/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call --
   the broken cases reach into a rendered manifest wherever the break goes, typed or not */
describe('Kubernetes manifests', () => {
  it('our policies hold on every overlay, and each fails on a manifest that breaks it', () => {
    for (const overlay of overlays) assert.deepEqual(allPolicies(render(overlay)), [], overlay);
    // prod with the backfill's component, as an operator includes it while the backfill runs
    assert.deepEqual(allPolicies(renderWithBackfill('prod')), [], 'prod with components/backfill');
    const objects = render('dev');
    const cases: Array<[keyof typeof policies, K8sObject[], RegExp]> = [
      [
        'settingsPolicy',
        broken(objects, 'ConfigMap', (o) => (o.data.ARCHIVE_BACTH_SIZE = '500')),
        /ARCHIVE_BACTH_SIZE is not a setting/,
      ],
      ['settingsPolicy', broken(objects, 'ConfigMap', (o) => (o.data.COLD_AFTER = '30 days')), /COLD_AFTER/],
      [
        'settingsPolicy',
        broken(
          objects,
          'Deployment',
          (d) =>
            (d.spec.template.spec.containers[0].env = d.spec.template.spec.containers[0].env.filter(
              (e: { name: string }) => e.name !== 'MONGODB_URL',
            )),
        ),
        /required setting MONGODB_URL/,
      ],
      [
        'settingsPolicy',
        broken(
          objects,
          'ConfigMap',
          (o) => (o.data.KAFKA_SSL_CA_FILE = '/etc/kafka-cluster-ca/ca.crt'),
          sharedSettings(objects),
        ),
        /KAFKA_SSL_CA_FILE: set, but KAFKA_SECURITY_PROTOCOL=PLAINTEXT/,
      ],
      [
        'settingsPolicy',
        broken(
          render('prod'),
          'CronJob',
          (c) =>
            (c.spec.jobTemplate.spec.template.spec.containers[0].env =
              c.spec.jobTemplate.spec.template.spec.containers[0].env.filter(
                (e: { name: string }) => e.name !== 'KAFKA_SASL_PASSWORD',
              )),
        ),
        /KAFKA_SASL_PASSWORD: required with KAFKA_SECURITY_PROTOCOL=SASL_SSL/,
      ],
      [
        'probePolicy',
        broken(
          objects,
          'Deployment',
          (d) => (d.spec.template.spec.containers[0].readinessProbe.httpGet.path = '/ready'),
        ),
        /readinessProbe asks \/ready/,
      ],
      [
        'probePolicy',
        broken(objects, 'Deployment', (d) => (d.spec.template.spec.terminationGracePeriodSeconds = 20)),
        /terminationGracePeriodSeconds 20/,
      ],
      [
        'scalingPolicy',
        broken(objects, 'ScaledObject', (o) => (o.spec.maxReplicaCount = 50)),
        /maxReplicaCount 50 exceeds/,
      ],
      ['scalingPolicy', broken(objects, 'ScaledObject', (o) => (o.spec.minReplicaCount = 0)), /minReplicaCount 0/],
      [
        'scalingPolicy',
        broken(objects, 'ScaledObject', (o) => (o.spec.triggers[0].metadata.consumerGroup = 'archiver')),
        /group archiver/,
      ],
      [
        'securityPolicy',
        broken(objects, 'CronJob', (c) => delete c.spec.jobTemplate.spec.template.spec.securityContext.runAsNonRoot),
        /may run as root/,
      ],
      [
        'securityPolicy',
        broken(
          objects,
          'Job',
          (j) => delete j.spec.template.spec.containers[0].resources.limits,
          migrationsJob(objects),
        ),
        /no memory limit/,
      ],
      [
        'secretPolicy',
        [
          ...objects,
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'ticket-archiver-stores' },
            stringData: { DATABASE_URL: 'postgres://a:b@c/d' },
          },
        ],
        /Secret\/ticket-archiver-stores/,
      ],
      [
        'reconcilerPolicy',
        broken(objects, 'CronJob', (c) => (c.spec.concurrencyPolicy = 'Allow')),
        /concurrencyPolicy Allow/,
      ],
      // The Jobs named after their image's tag, so that an upgrade is a new Job.
      [
        'migrationsPolicy',
        broken(objects, 'Job', (j) => (j.metadata.name = 'ticket-archiver-migrate'), migrationsJob(objects)),
        /Job\/ticket-archiver-migrate: runs .* but is not named after its tag \(-0\.1\.0-dev\)/,
      ],
      // The backfill's Indexed Job: as many indexes as its plan is cut for, each retried on its own.
      ...backfillCases(objects),
      // The read API (`ticket-archiver serve`), by services/readApi/settings.ts and the endpoints it answers.
      ...readApiCases(objects),
      // The archive spec: in every container that reads it, valid, and what the connector and the topics are made of.
      ...specCases(objects),
    ];
    for (const [policy, objs, expected] of cases) assert.match(policies[policy](objs).join('\n'), expected, policy);
  });
});
