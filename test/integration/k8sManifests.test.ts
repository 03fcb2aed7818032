// The Kubernetes manifests (infra/k8s) checked by real tools, offline, each also fed a broken manifest to show it can
// fail: kustomize builds every overlay; core kinds pass the Kubernetes release's OpenAPI schemas strictly; KEDA and
// Prometheus Operator kinds pass the models of their CRDs; Strimzi kinds pass Strimzi's own model; a real
// kube-apiserver accepts every core object in a server-side dry run; our policies hold; nothing drifted from its source.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startApiServer, type ApiServer } from '../../infra/k8s/checks/apiServer.ts';
import { connectorDrift, generatedDrift, readGenerated, versionDrift } from '../../infra/k8s/checks/consistency.ts';
import { allPolicies, policies } from '../../infra/k8s/checks/policies.ts';
import { find, isCore, kustomizeBuild, overlayDir, overlays, type K8sObject } from '../../infra/k8s/checks/render.ts';
import { coreSchemaProblems, operatorModelProblems, strimziModelProblems } from '../../infra/k8s/checks/schemas.ts';
import { ensureApiServerTools, ensureKubernetesValidate, ensureKustomize, ensureStrimziModel } from '../../infra/k8s/checks/tools.ts';
import { stackSettings } from '../../infra/local/settings.ts';
import { loadVersions } from '../../infra/local/versions.ts';
import { loadConnectorDefinition } from '../../services/edges/kafkaConnect/index.ts';

const v = loadVersions();
const s = stackSettings();
const log = (m: string) => process.stderr.write(`[k8s] ${m}\n`);
const kustomize = () => ensureKustomize(s, v, log);
const render = (overlay: string) => kustomizeBuild(kustomize(), overlayDir(overlay)).objects;

/** A deep copy of the rendered objects with one change made to one of them. */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call --
   the broken cases reach into a rendered manifest wherever the break goes, typed or not */
function broken(objects: K8sObject[], kind: string, change: (o: any) => void): K8sObject[] {
  const copy = structuredClone(objects);
  change(copy.find((o) => o.kind === kind));
  return copy;
}

describe('Kubernetes manifests', () => {
  it('kustomize builds every overlay, and fails on a broken one', () => {
    for (const overlay of overlays) {
      const objects = render(overlay);
      const kinds = new Set(objects.map((o) => o.kind));
      for (const kind of ['Deployment', 'PodDisruptionBudget', 'ScaledObject', 'CronJob', 'Job', 'KafkaTopic', 'KafkaConnect', 'KafkaConnector', 'PodMonitor', 'PrometheusRule', 'NetworkPolicy', 'ConfigMap', 'ServiceAccount']) {
        assert.ok(kinds.has(kind), `${overlay} renders a ${kind}`);
      }
      assert.ok(objects.every((o) => o.metadata.namespace), `${overlay}: every object has a namespace`);
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
    const validate = ensureKubernetesValidate(s, v, log);
    for (const overlay of overlays) assert.deepEqual(coreSchemaProblems(validate, v.kubernetes.version, render(overlay)), [], overlay);
    const unknownField = broken(render('dev'), 'Deployment', (d) => (d.spec.replica = 2));
    assert.match(coreSchemaProblems(validate, v.kubernetes.version, unknownField).join('\n'), /replica/);
    const wrongType = broken(render('dev'), 'CronJob', (c) => (c.spec.startingDeadlineSeconds = 'five minutes'));
    assert.match(coreSchemaProblems(validate, v.kubernetes.version, wrongType).join('\n'), /five minutes|startingDeadlineSeconds|integer/);
  });

  it('KEDA and Prometheus Operator kinds pass their CRD models, and broken ones fail', () => {
    for (const overlay of overlays) assert.deepEqual(operatorModelProblems(render(overlay)), [], overlay);
    const scaled = broken(render('dev'), 'ScaledObject', (o) => (o.spec.maxReplicaCount = 'six'));
    assert.match(operatorModelProblems(scaled).join('\n'), /ScaledObject.*maxReplicaCount/s);
    const rule = broken(render('dev'), 'PrometheusRule', (o) => delete o.spec.groups[0].rules[0].expr);
    assert.match(operatorModelProblems(rule).join('\n'), /PrometheusRule.*expr/s);
    const monitor = broken(render('dev'), 'PodMonitor', (o) => (o.spec.podMetricsEndpoints = 'metrics'));
    assert.match(operatorModelProblems(monitor).join('\n'), /PodMonitor/);
  });

  it("Strimzi kinds pass Strimzi's own model (io.strimzi:api), and broken ones fail", () => {
    const classpath = ensureStrimziModel(s, v, log);
    for (const overlay of overlays) assert.deepEqual(strimziModelProblems(classpath, render(overlay)), [], overlay);
    const unknown = broken(render('dev'), 'KafkaTopic', (o) => (o.spec.partition = 3));
    assert.match(strimziModelProblems(classpath, unknown).join('\n'), /KafkaTopic\/tickets-cdc-[a-z-]+\.spec: unknown property partition/);
    const wrongType = broken(render('dev'), 'KafkaConnect', (o) => (o.spec.replicas = 'two'));
    assert.match(strimziModelProblems(classpath, wrongType).join('\n'), /KafkaConnect\/tickets-connect/);
  });

  it('the KafkaConnector is the connector of connectors/, the generated files are current, Strimzi builds the pinned versions', () => {
    const def = loadConnectorDefinition();
    for (const overlay of overlays) {
      const objects = render(overlay);
      assert.deepEqual(connectorDrift(objects, def), [], overlay);
      assert.deepEqual(versionDrift(objects, v), [], overlay);
    }
    assert.deepEqual(generatedDrift(), []);
    const drifted = broken(render('dev'), 'KafkaConnector', (o) => (o.spec.config['snapshot.mode'] = 'never'));
    assert.match(connectorDrift(drifted, def).join('\n'), /snapshot\.mode/);
    const stale = generatedDrift((name) => (name === 'prometheus-rule.yaml' ? 'kind: PrometheusRule\n' : readGenerated(name)));
    assert.deepEqual(stale, ['infra/k8s/base/generated/prometheus-rule.yaml is stale: run npm run k8s:generate']);
    const oldDebezium = broken(render('dev'), 'KafkaConnect', (o) => (o.spec.build.plugins[0].artifacts[0].version = '2.7.0.Final'));
    assert.match(versionDrift(oldDebezium, v).join('\n'), /Debezium 2\.7\.0\.Final/);
  });

  it('our policies hold on every overlay, and each fails on a manifest that breaks it', () => {
    for (const overlay of overlays) assert.deepEqual(allPolicies(render(overlay)), [], overlay);
    const objects = render('dev');
    const cases: Array<[keyof typeof policies, K8sObject[], RegExp]> = [
      ['settingsPolicy', broken(objects, 'ConfigMap', (o) => (o.data.ARCHIVE_BACTH_SIZE = '500')), /ARCHIVE_BACTH_SIZE is not a setting/],
      ['settingsPolicy', broken(objects, 'ConfigMap', (o) => (o.data.COLD_AFTER = '30 days')), /COLD_AFTER/],
      ['settingsPolicy', broken(objects, 'Deployment', (d) => (d.spec.template.spec.containers[0].env = d.spec.template.spec.containers[0].env.filter((e: { name: string }) => e.name !== 'MONGODB_URL'))), /required setting MONGODB_URL/],
      ['probePolicy', broken(objects, 'Deployment', (d) => (d.spec.template.spec.containers[0].readinessProbe.httpGet.path = '/ready')), /readinessProbe asks \/ready/],
      ['probePolicy', broken(objects, 'Deployment', (d) => (d.spec.template.spec.terminationGracePeriodSeconds = 20)), /terminationGracePeriodSeconds 20/],
      ['scalingPolicy', broken(objects, 'ScaledObject', (o) => (o.spec.maxReplicaCount = 50)), /maxReplicaCount 50 exceeds/],
      ['scalingPolicy', broken(objects, 'ScaledObject', (o) => (o.spec.minReplicaCount = 0)), /minReplicaCount 0/],
      ['scalingPolicy', broken(objects, 'ScaledObject', (o) => (o.spec.triggers[0].metadata.consumerGroup = 'archiver')), /group archiver/],
      ['securityPolicy', broken(objects, 'CronJob', (c) => delete c.spec.jobTemplate.spec.template.spec.securityContext.runAsNonRoot), /may run as root/],
      ['securityPolicy', broken(objects, 'Job', (j) => delete j.spec.template.spec.containers[0].resources.limits), /no memory limit/],
      ['secretPolicy', [...objects, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ticket-archiver-stores' }, stringData: { DATABASE_URL: 'postgres://a:b@c/d' } }], /Secret\/ticket-archiver-stores/],
      ['reconcilerPolicy', broken(objects, 'CronJob', (c) => (c.spec.concurrencyPolicy = 'Allow')), /concurrencyPolicy Allow/],
    ];
    for (const [policy, objs, expected] of cases) assert.match(policies[policy](objs).join('\n'), expected, policy);
  });

  describe('a real kube-apiserver', () => {
    let api: ApiServer;
    before(async () => {
      api = await startApiServer(ensureApiServerTools(s, v, log));
    });
    after(async () => api?.stop());

    const dryRun = (objects: K8sObject[], namespace: string) => {
      api.kubectl(['create', 'namespace', namespace]);
      return api.kubectl(['apply', '--dry-run=server', '--validate=strict', '-o', 'name', '-f', '-'], objects.filter(isCore).map((o) => stringify(o)).join('---\n'));
    };

    it('accepts every core object of every overlay in a server-side dry run', () => {
      for (const overlay of overlays) {
        const objects = render(overlay);
        const namespace = find(objects, 'Deployment').metadata.namespace!;
        const r = dryRun(objects, namespace);
        assert.equal(r.status, 0, `${overlay}: ${r.stderr}`);
        const accepted = r.stdout.trim().split('\n');
        assert.equal(accepted.length, objects.filter(isCore).length, r.stdout);
        assert.ok(accepted.some((l) => l.startsWith('cronjob.batch/')) && accepted.some((l) => l.startsWith('deployment.apps/')), r.stdout);
      }
    });

    it('rejects what the schemas let through: an invalid concurrencyPolicy, text where a number goes', () => {
      const policy = broken(render('dev'), 'CronJob', (c) => (c.spec.concurrencyPolicy = 'Sometimes'));
      const r1 = dryRun(policy, 'ticket-archiver-dev');
      assert.notEqual(r1.status, 0);
      assert.match(r1.stderr, /concurrencyPolicy.*Sometimes|Unsupported value: "Sometimes"/s);
      const grace = broken(render('dev'), 'Deployment', (d) => (d.spec.template.spec.terminationGracePeriodSeconds = 'long'));
      const r2 = dryRun(grace, 'ticket-archiver-dev');
      assert.notEqual(r2.status, 0);
      assert.match(r2.stderr, /terminationGracePeriodSeconds/);
      const api2 = stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Not_A_Name' } });
      assert.notEqual(api.kubectl(['apply', '--dry-run=server', '-f', '-'], api2).status, 0, 'an invalid name is refused');
    });
  });
});
