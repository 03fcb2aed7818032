// The Kubernetes manifests (infra/k8s) checked by real tools, offline, each also fed a broken manifest to show it can
// fail: kustomize builds every overlay; core kinds pass the Kubernetes release's OpenAPI schemas strictly; KEDA and
// Prometheus Operator kinds pass the models of their CRDs; Strimzi kinds pass Strimzi's own model; nothing drifted
// from its source. The other checks of the manifests are the k8s*.test.ts beside this one.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connectorDrift, generatedDrift, readGenerated, versionDrift } from '../../infra/k8s/checks/consistency.ts';
import { kustomizeBuild, overlayDir, overlays, type K8sObject } from '../../infra/k8s/checks/render.ts';
import { renderedSpec } from '../../infra/k8s/checks/specPolicy.ts';
import { coreSchemaProblems, operatorModelProblems, strimziModelProblems } from '../../infra/k8s/checks/schemas.ts';
import { ensureKubernetesValidate, ensureStrimziModel } from '../../infra/k8s/checks/tools.ts';
import { loadConnectorDefinition } from '../../services/edges/kafkaConnect/index.ts';
import { broken, kustomize, log, render, settings, versions } from '../support/k8sManifests.ts';

/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   the broken cases reach into a rendered manifest wherever the break goes, typed or not */
describe('Kubernetes manifests', () => {
  it('kustomize builds every overlay, and fails on a broken one', () => {
    for (const overlay of overlays) {
      const objects = render(overlay);
      const kinds = new Set(objects.map((o) => o.kind));
      for (const kind of [
        'Deployment',
        'Service',
        'PodDisruptionBudget',
        'ScaledObject',
        'CronJob',
        'Job',
        'KafkaTopic',
        'KafkaConnect',
        'KafkaConnector',
        'PodMonitor',
        'PrometheusRule',
        'NetworkPolicy',
        'ConfigMap',
        'ServiceAccount',
      ]) {
        assert.ok(kinds.has(kind), `${overlay} renders a ${kind}`);
      }
      // Kafka users and KEDA's credentials for them come with the TLS listener (components/strimzi-tls-scram).
      for (const kind of ['KafkaUser', 'TriggerAuthentication'])
        assert.equal(
          kinds.has(kind),
          overlay === 'prod',
          `${overlay} renders ${overlay === 'prod' ? 'a' : 'no'} ${kind}`,
        );
      assert.ok(
        objects.every((o) => o.metadata.namespace),
        `${overlay}: every object has a namespace`,
      );
    }
    const dir = join(overlayDir('dev'), '..', `.broken-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n  - ../../base\n  - archiver-hpa.yaml\n');
      assert.throws(() => kustomizeBuild(kustomize(), dir), /archiver-hpa\.yaml/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('core kinds pass the Kubernetes OpenAPI schemas strictly (kubernetes-validate), and a broken one fails', () => {
    const validate = ensureKubernetesValidate(settings, versions, log);
    for (const overlay of overlays)
      assert.deepEqual(coreSchemaProblems(validate, versions.kubernetes.version, render(overlay)), [], overlay);
    const unknownField = broken(render('dev'), 'Deployment', (d) => (d.spec.replica = 2));
    assert.match(coreSchemaProblems(validate, versions.kubernetes.version, unknownField).join('\n'), /replica/);
    const wrongType = broken(render('dev'), 'CronJob', (c) => (c.spec.startingDeadlineSeconds = 'five minutes'));
    assert.match(
      coreSchemaProblems(validate, versions.kubernetes.version, wrongType).join('\n'),
      /five minutes|startingDeadlineSeconds|integer/,
    );
  });

  it('KEDA and Prometheus Operator kinds pass their CRD models, and broken ones fail', () => {
    for (const overlay of overlays) assert.deepEqual(operatorModelProblems(render(overlay)), [], overlay);
    const scaled = broken(render('dev'), 'ScaledObject', (o) => (o.spec.maxReplicaCount = 'six'));
    assert.match(operatorModelProblems(scaled).join('\n'), /ScaledObject.*maxReplicaCount/s);
    const rule = broken(render('dev'), 'PrometheusRule', (o) => delete o.spec.groups[0].rules[0].expr);
    assert.match(operatorModelProblems(rule).join('\n'), /PrometheusRule.*expr/s);
    const monitor = broken(render('dev'), 'PodMonitor', (o) => (o.spec.podMetricsEndpoints = 'metrics'));
    assert.match(operatorModelProblems(monitor).join('\n'), /PodMonitor/);
    const auth = broken(render('prod'), 'TriggerAuthentication', (o) => (o.spec.secretTargetRef[0].key = 7));
    assert.match(operatorModelProblems(auth).join('\n'), /TriggerAuthentication\/ticket-archiver-kafka/);
  });

  it("Strimzi kinds pass Strimzi's own model (io.strimzi:api), and broken ones fail", () => {
    const classpath = ensureStrimziModel(settings, versions, log);
    for (const overlay of overlays) assert.deepEqual(strimziModelProblems(classpath, render(overlay)), [], overlay);
    const unknown = broken(render('dev'), 'KafkaTopic', (o) => (o.spec.partition = 3));
    assert.match(
      strimziModelProblems(classpath, unknown).join('\n'),
      /KafkaTopic\/tickets-cdc-[a-z-]+\.spec: unknown property partition/,
    );
    const wrongType = broken(render('dev'), 'KafkaConnect', (o) => (o.spec.replicas = 'two'));
    assert.match(strimziModelProblems(classpath, wrongType).join('\n'), /KafkaConnect\/tickets-connect/);
    const acl = broken(
      render('prod'),
      'KafkaUser',
      (o) => (o.spec.authorization.acls[0].operations = ['Consume']),
      'ticket-archiver',
    );
    assert.match(strimziModelProblems(classpath, acl).join('\n'), /KafkaUser\/ticket-archiver\b.*Consume/);
    const mechanism = broken(
      render('prod'),
      'KafkaUser',
      (o) => (o.spec.authentication.type = 'scram-sha-256'),
      'ticket-archiver',
    );
    assert.match(strimziModelProblems(classpath, mechanism).join('\n'), /KafkaUser\/ticket-archiver\b.*scram-sha-256/);
  });

  it("the KafkaConnector is the connector of connectors/ for the render's spec, the generated files are current, Strimzi builds the pinned versions", () => {
    // The connector register-connector would send for the spec the render carries (its ConfigMap).
    const connectorOf = (objects: K8sObject[]) => loadConnectorDefinition(renderedSpec(objects)!);
    const def = connectorOf(render('dev'));
    for (const overlay of overlays) {
      const objects = render(overlay);
      assert.deepEqual(connectorDrift(objects, connectorOf(objects)), [], overlay);
      assert.deepEqual(versionDrift(objects, versions), [], overlay);
    }
    assert.deepEqual(generatedDrift(), []);
    const drifted = broken(render('dev'), 'KafkaConnector', (o) => (o.spec.config['snapshot.mode'] = 'never'));
    assert.match(connectorDrift(drifted, def).join('\n'), /snapshot\.mode/);
    const stale = generatedDrift((name) =>
      name === 'prometheus-rule.yaml' ? 'kind: PrometheusRule\n' : readGenerated(name),
    );
    assert.deepEqual(stale, ['infra/k8s/base/generated/prometheus-rule.yaml is stale: run npm run k8s:generate']);
    // The base's spec is connectors/specs/default.yaml, copied: a copy edited in place is stale too.
    const edited = generatedDrift((name) =>
      name === 'archive-spec.yaml'
        ? readGenerated(name).replace('in: [closed]', 'in: [closed, merged]')
        : readGenerated(name),
    );
    assert.deepEqual(edited, ['infra/k8s/base/generated/archive-spec.yaml is stale: run npm run k8s:generate']);
    const oldDebezium = broken(
      render('dev'),
      'KafkaConnect',
      (o) => (o.spec.build.plugins[0].artifacts[0].version = '2.7.0.Final'),
    );
    assert.match(versionDrift(oldDebezium, versions).join('\n'), /Debezium 2\.7\.0\.Final/);
  });
});
