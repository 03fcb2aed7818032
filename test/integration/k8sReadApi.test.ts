// The read API (`serve`) in both overlays: its own settings, no Kafka, the reader's and restorer's roles only, and its
// own NetworkPolicy, Service, PodDisruptionBudget and PodMonitor, which no object of the archiver's shares.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { find, overlays, selects } from '../../infra/k8s/checks/render.ts';
import { containerEnv, workloads } from '../../infra/k8s/checks/workloads.ts';
import { READ_API, render } from '../support/k8sManifests.ts';

describe('Kubernetes manifests', () => {
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
      assert.equal(env.LOG_LEVEL, archiverEnv.LOG_LEVEL, `${overlay}: LOG_LEVEL`);
      assert.equal(env.COLD_AFTER, undefined, 'serve never decides coldness');

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
});
