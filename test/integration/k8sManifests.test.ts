// The Kubernetes manifests (infra/k8s) checked by real tools, offline, each also fed a broken manifest to show it can
// fail: kustomize builds every overlay; core kinds pass the Kubernetes release's OpenAPI schemas strictly; KEDA and
// Prometheus Operator kinds pass the models of their CRDs; Strimzi kinds pass Strimzi's own model; a real
// kube-apiserver accepts every core object in a server-side dry run; our policies hold; nothing drifted from its source;
// production reaches Kafka over TLS with SCRAM-SHA-512 users, as a Strimzi cluster secured that way requires; the read
// API (`serve`) runs with its own settings, no Kafka, behind its Service, and the README names every Secret key.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startApiServer, type ApiServer } from '../../infra/k8s/checks/apiServer.ts';
import { connectorDrift, generatedDrift, readGenerated, versionDrift } from '../../infra/k8s/checks/consistency.ts';
import { kafkaAuthProblems } from '../../infra/k8s/checks/kafkaAuth.ts';
import { allPolicies, policies } from '../../infra/k8s/checks/policies.ts';
import {
  find,
  isCore,
  kustomizeBuild,
  overlayDir,
  overlays,
  selects,
  type K8sObject,
} from '../../infra/k8s/checks/render.ts';
import { containerEnv, workloads } from '../../infra/k8s/checks/workloads.ts';
import { coreSchemaProblems, operatorModelProblems, strimziModelProblems } from '../../infra/k8s/checks/schemas.ts';
import {
  ensureApiServerTools,
  ensureKubernetesValidate,
  ensureKustomize,
  ensureStrimziModel,
} from '../../infra/k8s/checks/tools.ts';
import { projectRoot, stackSettings } from '../../infra/local/settings.ts';
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
function broken(objects: K8sObject[], kind: string, change: (o: any) => void, name?: string): K8sObject[] {
  const copy = structuredClone(objects);
  change(copy.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name)));
  return copy;
}

/** The generated name (with its hash) of the ConfigMap the archiver and the reconciler share. */
const sharedSettings = (objects: K8sObject[]) =>
  objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('ticket-archiver-settings-'))!.metadata.name;
/** The same for the read API's own ConfigMap. */
const readApiSettings = (objects: K8sObject[]) =>
  objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('ticket-archiver-read-api-settings-'))!
    .metadata.name;
const READ_API = 'ticket-archiver-read-api';

/** "<secret> <key>" of every `kubectl create secret generic <secret> --from-literal=<key>=...` in a README's inline
 * code (which may wrap over lines). */
const createdSecrets = (markdown: string) =>
  new Set(
    [...markdown.matchAll(/create secret generic (\S+)([^`]*)`/g)].flatMap((m) =>
      [...m[2]!.matchAll(/--from-literal=([A-Za-z_]+)=/g)].map((k) => `${m[1]} ${k[1]}`),
    ),
  );

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
    const validate = ensureKubernetesValidate(s, v, log);
    for (const overlay of overlays)
      assert.deepEqual(coreSchemaProblems(validate, v.kubernetes.version, render(overlay)), [], overlay);
    const unknownField = broken(render('dev'), 'Deployment', (d) => (d.spec.replica = 2));
    assert.match(coreSchemaProblems(validate, v.kubernetes.version, unknownField).join('\n'), /replica/);
    const wrongType = broken(render('dev'), 'CronJob', (c) => (c.spec.startingDeadlineSeconds = 'five minutes'));
    assert.match(
      coreSchemaProblems(validate, v.kubernetes.version, wrongType).join('\n'),
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
    const classpath = ensureStrimziModel(s, v, log);
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
    const stale = generatedDrift((name) =>
      name === 'prometheus-rule.yaml' ? 'kind: PrometheusRule\n' : readGenerated(name),
    );
    assert.deepEqual(stale, ['infra/k8s/base/generated/prometheus-rule.yaml is stale: run npm run k8s:generate']);
    const oldDebezium = broken(
      render('dev'),
      'KafkaConnect',
      (o) => (o.spec.build.plugins[0].artifacts[0].version = '2.7.0.Final'),
    );
    assert.match(versionDrift(oldDebezium, v).join('\n'), /Debezium 2\.7\.0\.Final/);
  });

  it('our policies hold on every overlay, and each fails on a manifest that breaks it', () => {
    for (const overlay of overlays) assert.deepEqual(allPolicies(render(overlay)), [], overlay);
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
        broken(objects, 'Job', (j) => delete j.spec.template.spec.containers[0].resources.limits),
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
      // The read API (`ticket-archiver serve`), by services/readApi/settings.ts and the endpoints it answers.
      ...readApiCases(objects),
    ];
    for (const [policy, objs, expected] of cases) assert.match(policies[policy](objs).join('\n'), expected, policy);
  });

  /** Each way of breaking the read API's manifests that a policy must catch (on a render of the dev overlay). */
  function readApiCases(objects: K8sObject[]): Array<[keyof typeof policies, K8sObject[], RegExp]> {
    const api = (d: any) => d.spec.template.spec.containers[0];
    const onApi = (change: (d: any) => void) => broken(objects, 'Deployment', change, READ_API);
    const withSetting = (name: string, value: string) =>
      broken(objects, 'ConfigMap', (o) => (o.data[name] = value), readApiSettings(objects));
    const at = 'Deployment/ticket-archiver-read-api container read-api';
    const prod = render('prod');
    return [
      [
        'settingsPolicy',
        withSetting('KAFKA_BROKERS', 'tickets-kafka-bootstrap:9092'),
        new RegExp(`${at}: KAFKA_BROKERS is not a setting of ticket-archiver serve`),
      ],
      // Taking the shared ConfigMap as the archiver does would hand it Kafka's settings (in prod, the Strimzi component's too).
      [
        'settingsPolicy',
        broken(
          prod,
          'Deployment',
          (d) => api(d).envFrom.push({ configMapRef: { name: sharedSettings(prod) } }),
          READ_API,
        ),
        new RegExp(`${at}: KAFKA_SECURITY_PROTOCOL is not a setting of ticket-archiver serve`),
      ],
      [
        'settingsPolicy',
        withSetting('API_DATABASE_POOL_SIZE', '0'),
        new RegExp(`${at}: API_DATABASE_POOL_SIZE: expected a whole number of connections`),
      ],
      ['settingsPolicy', withSetting('HTTP_PORT', 'http'), new RegExp(`${at}: HTTP_PORT: expected a TCP port`)],
      // The schema's own refinement: reads behind the token need the token.
      [
        'settingsPolicy',
        onApi(
          (d) =>
            (api(d).env = [
              ...api(d).env.filter((e: { name: string }) => e.name !== 'API_TOKEN'),
              { name: 'API_READS_REQUIRE_TOKEN', value: 'true' },
            ]),
        ),
        new RegExp(`${at}: API_TOKEN: required when API_READS_REQUIRE_TOKEN=true`),
      ],
      [
        'settingsPolicy',
        onApi((d) => (api(d).env = api(d).env.filter((e: { name: string }) => e.name !== 'READ_DATABASE_URL'))),
        new RegExp(`${at}: required setting DATABASE_URL \\(or READ_DATABASE_URL\\) is not set`),
      ],
      [
        'settingsPolicy',
        onApi((d) =>
          api(d).env.push({
            name: 'DATABASE_URL',
            valueFrom: { secretKeyRef: { name: 'ticket-archiver-stores', key: 'DATABASE_URL' } },
          }),
        ),
        new RegExp(`${at}: DATABASE_URL is set but unused \\(READ_DATABASE_URL`),
      ],
      [
        'settingsPolicy',
        onApi(
          (d) =>
            (api(d).env.find((e: { name: string }) => e.name === 'COLD_AFTER').valueFrom.configMapKeyRef.key = 'COLD'),
        ),
        new RegExp(`${at}: COLD_AFTER takes key COLD of ConfigMap ticket-archiver-settings-`),
      ],
      [
        'probePolicy',
        onApi((d) => (api(d).readinessProbe.httpGet.path = '/ready')),
        new RegExp(`${at}: readinessProbe asks /ready, the program answers it on /readyz`),
      ],
      [
        'probePolicy',
        onApi((d) => (api(d).livenessProbe.httpGet.port = 9464)),
        new RegExp(`${at}: livenessProbe asks port 9464 \\(9464\\), the program listens on HTTP_PORT 8080`),
      ],
      ['probePolicy', onApi((d) => delete api(d).readinessProbe), new RegExp(`${at}: no readinessProbe over HTTP`)],
      [
        'probePolicy',
        onApi((d) => (d.spec.template.spec.terminationGracePeriodSeconds = 15)),
        new RegExp(
          `${at}: terminationGracePeriodSeconds 15 is not longer than SHUTDOWN_TIMEOUT 10s plus its preStop pause 5s`,
        ),
      ],
      [
        'probePolicy',
        withSetting('HTTP_PORT', '9000'),
        new RegExp(`${at}: startupProbe asks port http \\(8080\\), the program listens on HTTP_PORT 9000`),
      ],
      [
        'servingPolicy',
        withSetting('HTTP_PORT', '9000'),
        new RegExp(
          `Service/ticket-archiver-read-api port http: targetPort http \\(8080\\) of ${at}, which listens on HTTP_PORT 9000`,
        ),
      ],
      [
        'servingPolicy',
        withSetting('HTTP_PORT', '9000'),
        new RegExp(`NetworkPolicy/ticket-archiver-read-api: selects ${at} and lets nothing in on its HTTP_PORT 9000`),
      ],
      [
        'servingPolicy',
        broken(objects, 'Service', (o) => (o.spec.selector['app.kubernetes.io/component'] = 'readapi'), READ_API),
        /Service\/ticket-archiver-read-api: selects the pods of no serving workload/,
      ],
      [
        'servingPolicy',
        broken(objects, 'PodMonitor', (o) => (o.spec.podMetricsEndpoints[0].port = 'metrics'), READ_API),
        new RegExp(`PodMonitor/ticket-archiver-read-api: scrapes port metrics \\(undefined\\) of ${at}`),
      ],
      [
        'securityPolicy',
        onApi((d) => (api(d).securityContext.readOnlyRootFilesystem = false)),
        new RegExp(`${at}: root filesystem is writable`),
      ],
      [
        'secretPolicy',
        onApi(
          (d) =>
            (api(d).env = api(d).env.map((e: { name: string }) =>
              e.name === 'API_TOKEN' ? { name: e.name, value: 'a-token-in-the-repository' } : e,
            )),
        ),
        new RegExp(`${at}: API_TOKEN is set inline, not from a Secret`),
      ],
    ];
  }

  it('the read API runs serve with its own settings, talks to the two stores only, and is reached through its Service by the pods let in', () => {
    for (const overlay of overlays) {
      const objects = render(overlay);
      const deployment = find(objects, 'Deployment', READ_API);
      const [w, ...more] = workloads(objects).filter((x) => x.object === deployment);
      assert.ok(w && more.length === 0, `${overlay}: one container, no init container`);
      assert.deepEqual(w.container.command, ['ticket-archiver', 'serve'], overlay);
      assert.equal((deployment.spec as { replicas?: number }).replicas, 2, overlay);
      // No Kafka: not one KAFKA_ variable (in prod the Strimzi component must not have added any), no Connect.
      const { env, problems } = containerEnv(objects, w, ({ secret, key }) => `${secret}/${key}`);
      assert.deepEqual(problems, [], overlay);
      assert.deepEqual(
        Object.keys(env).filter((k) => /KAFKA|TICKETS_TOPIC|ARCHIVER_GROUP/.test(k)),
        [],
        overlay,
      );
      // The reader's and the restorer's roles, never the movers' (DATABASE_URL) or the owner's.
      assert.equal(env.READ_DATABASE_URL, 'ticket-archiver-stores/READ_DATABASE_URL');
      assert.equal(env.RESTORE_DATABASE_URL, 'ticket-archiver-stores/RESTORE_DATABASE_URL');
      assert.equal(env.DATABASE_URL, undefined);
      // What it shares with the archiver is the archiver's value (one ConfigMap key).
      const archiver = workloads(objects).find((x) => x.container.name === 'archiver')!;
      const archiverEnv = containerEnv(objects, archiver, () => 'x').env;
      for (const name of ['COLD_AFTER', 'LOG_LEVEL']) assert.equal(env[name], archiverEnv[name], `${overlay}: ${name}`);

      // Its NetworkPolicy, and only its: DNS, PostgreSQL and the cold store out; its port in, from Prometheus and the
      // opted-in business pods.
      const policiesOn = objects.filter(
        (o) => o.kind === 'NetworkPolicy' && selects((o.spec as { podSelector: object }).podSelector, w.podLabels),
      );
      assert.deepEqual(
        policiesOn.map((o) => o.metadata.name),
        [READ_API],
        overlay,
      );
      const np = policiesOn[0]!.spec as {
        policyTypes: string[];
        egress: Array<{ ports: Array<{ port: number }>; to: unknown[] }>;
        ingress: Array<{
          ports: Array<{ port: number }>;
          from: Array<{ podSelector?: { matchLabels?: Record<string, string> } }>;
        }>;
      };
      assert.deepEqual(np.policyTypes, ['Ingress', 'Egress']);
      assert.deepEqual(
        np.egress.flatMap((r) => r.ports.map((p) => p.port)).sort((a, b) => a - b),
        [53, 53, 5432, 27017],
        overlay,
      );
      assert.deepEqual(
        np.ingress.flatMap((r) => r.ports.map((p) => p.port)),
        [8080],
      );
      assert.deepEqual(
        np.ingress.flatMap((r) => r.from.map((f) => f.podSelector?.matchLabels)),
        [{ 'ticket-archiver.io/read-api': 'client' }, { 'app.kubernetes.io/name': 'prometheus' }],
      );

      // A Service, a PodDisruptionBudget that keeps one serving, a PodMonitor: each on these pods.
      const service = find(objects, 'Service', READ_API).spec as {
        selector: Record<string, string>;
        ports: Array<{ port: number }>;
      };
      assert.ok(selects({ matchLabels: service.selector }, w.podLabels));
      assert.deepEqual(
        service.ports.map((p) => p.port),
        [8080],
      );
      const pdb = find(objects, 'PodDisruptionBudget', READ_API).spec as {
        selector: { matchLabels: Record<string, string> };
        minAvailable: number;
      };
      assert.ok(selects(pdb.selector, w.podLabels) && pdb.minAvailable === 1, overlay);
      const monitors = objects.filter(
        (o) => o.kind === 'PodMonitor' && selects((o.spec as { selector: object }).selector, w.podLabels),
      );
      assert.deepEqual(
        monitors.map((o) => o.metadata.name),
        [READ_API],
        overlay,
      );
      // And none of the archiver's objects take these pods in (its PDB, its PodMonitor, its NetworkPolicy: above).
      assert.ok(
        !selects(find(objects, 'PodDisruptionBudget', 'ticket-archiver').spec!.selector as object, w.podLabels),
      );
    }
  });

  it("the README's Kubernetes section names every Secret and key the operator creates", () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Deploying on Kubernetes'),
      readme.indexOf('## Pointing at existing servers'),
    );
    for (const overlay of overlays) {
      const objects = render(overlay);
      // Strimzi's Secrets (one per KafkaUser, the cluster CA) are made by its operators, not by the operator of this.
      const strimzi = new Set([
        ...objects.filter((o) => o.kind === 'KafkaUser').map((o) => o.metadata.name),
        'tickets-cluster-ca-cert',
      ]);
      const refs = new Set<string>();
      for (const w of workloads(objects)) {
        containerEnv(objects, w, ({ secret, key }) => {
          refs.add(`${secret} ${key}`);
          return '';
        });
      }
      const kc = find(objects, 'KafkaConnect').spec as {
        template: {
          connectContainer: { env: Array<{ valueFrom?: { secretKeyRef?: { name: string; key: string } } }> };
        };
      };
      for (const e of kc.template.connectContainer.env)
        if (e.valueFrom?.secretKeyRef) refs.add(`${e.valueFrom.secretKeyRef.name} ${e.valueFrom.secretKeyRef.key}`);
      const mine = [...refs].filter((r) => !strimzi.has(r.split(' ')[0]!)).sort();
      assert.deepEqual(
        mine,
        [
          'ticket-archiver-cdc password',
          'ticket-archiver-read-api API_TOKEN',
          'ticket-archiver-stores DATABASE_URL',
          'ticket-archiver-stores MIGRATIONS_DATABASE_URL',
          'ticket-archiver-stores MONGODB_URL',
          'ticket-archiver-stores READ_DATABASE_URL',
          'ticket-archiver-stores RESTORE_DATABASE_URL',
        ],
        overlay,
      );
      const created = createdSecrets(section);
      for (const r of mine)
        assert.ok(created.has(r), `README "Deploying on Kubernetes" creates Secret ${r.replace(' ', ' with key ')}`);
    }
    assert.ok(
      !createdSecrets(section.replace('--from-literal=API_TOKEN=', '')).has('ticket-archiver-read-api API_TOKEN'),
      'a key the README leaves out is missed',
    );
  });

  it('production reaches Kafka over TLS as SCRAM-SHA-512 KafkaUsers (archiver, reconciler, Connect, KEDA), and each way of breaking that fails', () => {
    const prod = render('prod');
    // Every container with KAFKA_BROKERS: SASL_SSL to the TLS bootstrap port, KAFKA_SASL_PASSWORD from the Secret of a
    // KafkaUser of the render (and that user's name), KAFKA_SSL_CA_FILE in a read-only mount of the cluster CA Secret;
    // KafkaConnect: that listener, trustedCertificates from the cluster CA, scram-sha-512 as its own KafkaUser; the
    // ScaledObject's kafka trigger: tls, scram_sha512 and an authenticationRef to a TriggerAuthentication of the render
    // with the password, the CA and the archiver's username; the NetworkPolicy: the brokers on 9093.
    assert.deepEqual(kafkaAuthProblems(prod), []);
    // Not vacuously: the containers that talk to Kafka are the archiver and the reconciler (the migrations do not).
    const clients = workloads(prod)
      .filter((w) => containerEnv(prod, w, () => 'x').env.KAFKA_BROKERS !== undefined)
      .map((w) => `${w.object.kind}/${w.container.name}`);
    assert.deepEqual(clients.sort(), ['CronJob/reconciler', 'Deployment/archiver']);
    assert.deepEqual(
      prod
        .filter((o) => o.kind === 'KafkaUser')
        .map((o) => o.metadata.name)
        .sort(),
      ['ticket-archiver', 'ticket-archiver-connect', 'ticket-archiver-reconciler'],
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

  describe('a real kube-apiserver', () => {
    let api: ApiServer;
    before(async () => {
      api = await startApiServer(ensureApiServerTools(s, v, log));
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
      for (const overlay of overlays) {
        const objects = render(overlay);
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
