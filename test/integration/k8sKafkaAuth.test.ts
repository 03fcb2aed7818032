// Production reaches Kafka over TLS with SCRAM-SHA-512 users, as a Strimzi cluster secured that way requires
// (infra/k8s/checks/kafkaAuth.ts), and each way of breaking that fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kafkaAuthProblems } from '../../infra/k8s/checks/kafkaAuth.ts';
import type { K8sObject } from '../../infra/k8s/checks/render.ts';
import { containerEnv, workloads } from '../../infra/k8s/checks/workloads.ts';
import { broken, render, renderWithBackfill, sharedSettings } from '../support/k8sManifests.ts';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call --
   the broken cases reach into a rendered manifest wherever the break goes, typed or not */
describe('Kubernetes manifests', () => {
  it('production reaches Kafka over TLS as SCRAM-SHA-512 KafkaUsers (archiver, reconciler, backfill, Connect, KEDA), and each way of breaking that fails', () => {
    const prod = render('prod');
    // Every container with KAFKA_BROKERS: SASL_SSL to the TLS bootstrap port, KAFKA_SASL_PASSWORD from the Secret of a
    // KafkaUser of the render (and that user's name), KAFKA_SSL_CA_FILE in a read-only mount of the cluster CA Secret;
    // KafkaConnect: that listener, trustedCertificates from the cluster CA, scram-sha-512 as its own KafkaUser; the
    // ScaledObject's kafka trigger: tls, scram_sha512 and an authenticationRef to a TriggerAuthentication of the render
    // with the password, the CA and the archiver's username; the NetworkPolicy: the brokers on 9093.
    assert.deepEqual(kafkaAuthProblems(prod), []);
    // Not vacuously: the containers that talk to Kafka are the archiver and the reconciler (the migrations do not);
    // with the backfill's component, its Job too.
    const clients = workloads(prod)
      .filter((w) => containerEnv(prod, w, () => 'x').env.KAFKA_BROKERS !== undefined)
      .map((w) => `${w.object.kind}/${w.container.name}`);
    assert.deepEqual(clients.sort(), ['CronJob/reconciler', 'Deployment/archiver']);
    const withBackfill = renderWithBackfill('prod');
    assert.deepEqual(kafkaAuthProblems(withBackfill), []);
    assert.ok(
      workloads(withBackfill).some(
        (w) =>
          w.container.name === 'backfill' &&
          containerEnv(withBackfill, w, () => 'x').env.KAFKA_SASL_USERNAME === 'ticket-archiver-backfill',
      ),
    );
    assert.deepEqual(
      prod
        .filter((o) => o.kind === 'KafkaUser')
        .map((o) => o.metadata.name)
        .sort(),
      ['ticket-archiver', 'ticket-archiver-backfill', 'ticket-archiver-connect', 'ticket-archiver-reconciler'],
    );
    // The dev overlay stays on the plain listener on purpose (its comment says why): the check says so.
    assert.match(kafkaAuthProblems(render('dev')).join('\n'), /no KafkaUser with scram-sha-512/);

    const envOf = (c: any, name: string) => c.env.find((e: { name: string }) => e.name === name);
    const archiver = (d: any) => d.spec.template.spec.containers[0];
    const reconciler = (c: any) => c.spec.jobTemplate.spec.template.spec;
    const cases: Array<[string, K8sObject[], RegExp]> = [
      [
        'plaintext SASL',
        broken(prod, 'ConfigMap', (o) => (o.data.KAFKA_SECURITY_PROTOCOL = 'SASL_PLAINTEXT'), sharedSettings(prod)),
        /Deployment\/ticket-archiver container archiver: KAFKA_SECURITY_PROTOCOL SASL_PLAINTEXT, not SASL_SSL/,
      ],
      [
        'the plain port',
        broken(prod, 'ConfigMap', (o) => (o.data.KAFKA_BROKERS = 'tickets-kafka-bootstrap:9092'), sharedSettings(prod)),
        /CronJob\/ticket-archiver-reconciler container reconciler: KAFKA_BROKERS tickets-kafka-bootstrap:9092, not the TLS listener tickets-kafka-bootstrap:9093/,
      ],
      [
        'a password not of a KafkaUser',
        broken(
          prod,
          'Deployment',
          (d) => (envOf(archiver(d), 'KAFKA_SASL_PASSWORD').valueFrom.secretKeyRef.name = 'ticket-archiver-stores'),
        ),
        /KAFKA_SASL_PASSWORD comes from Secret ticket-archiver-stores, which is not a KafkaUser/,
      ],
      [
        'a password inline',
        broken(prod, 'Deployment', (d) => (envOf(archiver(d), 'KAFKA_SASL_PASSWORD').valueFrom = undefined)),
        /archiver: KAFKA_SASL_PASSWORD is not taken from a Secret/,
      ],
      [
        'another username',
        broken(prod, 'Deployment', (d) => (envOf(archiver(d), 'KAFKA_SASL_USERNAME').value = 'archiver')),
        /KAFKA_SASL_USERNAME archiver is not the KafkaUser ticket-archiver /,
      ],
      [
        'a missing KafkaUser',
        prod.filter((o) => !(o.kind === 'KafkaUser' && o.metadata.name === 'ticket-archiver-reconciler')),
        /reconciler: KAFKA_SASL_PASSWORD comes from Secret ticket-archiver-reconciler, which is not a KafkaUser/,
      ],
      [
        'another CA',
        broken(
          prod,
          'CronJob',
          (c) =>
            (reconciler(c).volumes.find((v: { name: string }) => v.name === 'kafka-cluster-ca').secret.secretName =
              'tickets-clients-ca-cert'),
        ),
        /reconciler: KAFKA_SSL_CA_FILE \/etc\/kafka-cluster-ca\/ca\.crt is not key ca\.crt of Secret tickets-cluster-ca-cert/,
      ],
      [
        'no CA mounted',
        broken(
          prod,
          'Deployment',
          (d) =>
            (archiver(d).volumeMounts = archiver(d).volumeMounts.filter(
              (m: { name: string }) => m.name !== 'kafka-cluster-ca',
            )),
        ),
        /archiver: KAFKA_SSL_CA_FILE .* is not key ca\.crt of Secret tickets-cluster-ca-cert mounted/,
      ],
      [
        'a writable CA',
        broken(
          prod,
          'Deployment',
          (d) =>
            (archiver(d).volumeMounts.find((m: { name: string }) => m.name === 'kafka-cluster-ca').readOnly = false),
        ),
        /archiver: the cluster CA is mounted writable/,
      ],
      [
        'Connect without TLS',
        broken(prod, 'KafkaConnect', (o) => delete o.spec.tls),
        /KafkaConnect\/tickets-connect: tls\.trustedCertificates does not name ca\.crt of tickets-cluster-ca-cert/,
      ],
      [
        'Connect without SCRAM',
        broken(prod, 'KafkaConnect', (o) => delete o.spec.authentication),
        /KafkaConnect\/tickets-connect: authentication \(none\), not scram-sha-512/,
      ],
      [
        'Connect as nobody known',
        broken(prod, 'KafkaConnect', (o) => (o.spec.authentication.username = 'connect')),
        /KafkaConnect\/tickets-connect: authentication\.username connect is not a KafkaUser/,
      ],
      [
        'KEDA without credentials',
        broken(prod, 'ScaledObject', (o) => delete o.spec.triggers[0].authenticationRef),
        /ScaledObject\/ticket-archiver trigger 0: no authenticationRef/,
      ],
      [
        'KEDA without TLS',
        broken(prod, 'ScaledObject', (o) => delete o.spec.triggers[0].metadata.tls),
        /trigger 0: tls is \(unset\), not enable/,
      ],
      [
        'KEDA without its TriggerAuthentication',
        prod.filter((o) => o.kind !== 'TriggerAuthentication'),
        /authenticationRef TriggerAuthentication ticket-archiver-kafka is not a TriggerAuthentication of the render/,
      ],
      [
        'KEDA without a username',
        broken(prod, 'TriggerAuthentication', (o) => (o.spec.env[0].containerName = 'wait-for-schema')),
        /TriggerAuthentication\/ticket-archiver-kafka signs in as \(no username from the target container\)/,
      ],
      [
        'KEDA without the CA',
        broken(
          prod,
          'TriggerAuthentication',
          (o) =>
            (o.spec.secretTargetRef = o.spec.secretTargetRef.filter(
              (r: { parameter: string }) => r.parameter !== 'ca',
            )),
        ),
        /takes ca from nowhere/,
      ],
      [
        'the NetworkPolicy on the plain port',
        broken(
          prod,
          'NetworkPolicy',
          (o) => (o.spec.egress[1].ports = [{ protocol: 'TCP', port: 9092 }]),
          'ticket-archiver',
        ),
        /NetworkPolicy\/ticket-archiver: no egress to the tickets brokers on port 9093/,
      ],
    ];
    for (const [what, objs, expected] of cases) assert.match(kafkaAuthProblems(objs).join('\n'), expected, what);
  });
});
