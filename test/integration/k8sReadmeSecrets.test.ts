// docs/kubernetes.md ("Deploying on Kubernetes") creates every Secret and key the manifests read, so an operator following it
// installs pods that start.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { find, overlays } from '../../infra/k8s/checks/render.ts';
import { containerEnv, workloads } from '../../infra/k8s/checks/workloads.ts';
import { projectRoot } from '../../infra/local/settings.ts';
import { render } from '../support/k8sManifests.ts';

/** "<secret> <key>" of every `kubectl create secret generic <secret> --from-literal=<key>=...` in a README's inline
 * code (which may wrap over lines). */
const createdSecrets = (markdown: string) =>
  new Set(
    [...markdown.matchAll(/create secret generic (\S+)([^`]*)`/g)].flatMap((m) =>
      [...m[2]!.matchAll(/--from-literal=([A-Za-z_]+)=/g)].map((k) => `${m[1]} ${k[1]}`),
    ),
  );
describe('Kubernetes manifests', () => {
  it('docs/kubernetes.md names every Secret and key the operator creates', () => {
    const section = readFileSync(join(projectRoot, 'docs', 'kubernetes.md'), 'utf8');
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
        assert.ok(created.has(r), `docs/kubernetes.md creates Secret ${r.replace(' ', ' with key ')}`);
    }
    assert.ok(
      !createdSecrets(section.replace('--from-literal=API_TOKEN=', '')).has('ticket-archiver-read-api API_TOKEN'),
      'a key the README leaves out is missed',
    );
  });
});
