// An operator's own table on Kubernetes: the component `npm run k8s:generate -- --spec <file> --out <dir>` writes
// (infra/k8s/specComponent.ts), listed in an overlay, carries the spec into every container that reads it, with the
// KafkaConnector generated from it and the topic renamed wherever it is named; every policy holds on the result. A
// component left behind by its spec, or by the base it was generated for, fails.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connectorDrift } from '../../infra/k8s/checks/consistency.ts';
import { kafkaAuthProblems } from '../../infra/k8s/checks/kafkaAuth.ts';
import { allPolicies, policies } from '../../infra/k8s/checks/policies.ts';
import { kustomizeBuild, overlayDir, overlays, type K8sObject } from '../../infra/k8s/checks/render.ts';
import { renderedSpec } from '../../infra/k8s/checks/specPolicy.ts';
import { specComponentFiles } from '../../infra/k8s/specComponent.ts';
import { projectRoot } from '../../infra/local/settings.ts';
import { loadConnectorDefinition, ticketsTopicOf } from '../../services/edges/kafkaConnect/index.ts';
import { loadArchiveSpec } from '../../services/runtime/archiveSpecFile.ts';
import { kustomize } from '../support/k8sManifests.ts';

const exampleSpec = (name: string) => join(projectRoot, 'connectors/specs', `${name}.yaml`);

/** Renders an overlay made of `overlay` and the component generated for `specFile`, after `edit` changed its files. */
function renderWithSpec(
  overlay: string,
  specFile: string,
  edit: (files: Record<string, string>) => void = () => undefined,
): K8sObject[] {
  // Beside the repository's overlays, as an operator's would be (kustomize reads no file outside an overlay's tree).
  const dir = join(overlayDir(overlay), '..', `.spec-${process.pid}`);
  try {
    mkdirSync(join(dir, 'archive-spec'), { recursive: true });
    const files = specComponentFiles(specFile);
    edit(files);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'archive-spec', name), text);
    writeFileSync(join(dir, 'kustomization.yaml'), `resources:\n  - ../${overlay}\ncomponents:\n  - archive-spec\n`);
    return kustomizeBuild(kustomize(), dir).objects;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const topicNames = (objects: K8sObject[]) =>
  objects.filter((o) => o.kind === 'KafkaTopic').map((o) => (o.spec as { topicName: string }).topicName);

describe('Kubernetes manifests', () => {
  it("a spec that names its own connector (a second table on the Connect cluster) replaces the base's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'spec-'));
    try {
      const file = join(dir, 'zammad-own.yaml');
      const own = { name: 'zammad-cdc', slot: 'zammad_cdc', topicPrefix: 'zammad' };
      writeFileSync(
        file,
        `${readFileSync(exampleSpec('zammad'), 'utf8')}\nconnector:\n  name: ${own.name}\n  slot: ${own.slot}\n  topicPrefix: ${own.topicPrefix}\n`,
      );
      for (const overlay of overlays) {
        const objects = renderWithSpec(overlay, file);
        const connectors = objects.filter((o) => o.kind === 'KafkaConnector');
        assert.deepEqual(
          connectors.map((c) => c.metadata.name),
          [own.name],
          overlay,
        );
        const config = (connectors[0]?.spec as { config: Record<string, string> }).config;
        assert.deepEqual([config['slot.name'], config['topic.prefix']], [own.slot, own.topicPrefix]);
        assert.deepEqual(allPolicies(objects), [], overlay);
        assert.deepEqual(topicNames(objects).sort(), ['zammad.zammad.tickets', 'zammad.zammad.tickets.dlq']);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('an overlay with the component generated for each example spec runs on that spec, its connector and its topic, and passes every policy', () => {
    for (const name of ['zammad', 'znuny', 'request-tracker'])
      for (const overlay of overlays) {
        const at = `${name} on ${overlay}`;
        const spec = loadArchiveSpec(exampleSpec(name));
        const objects = renderWithSpec(overlay, exampleSpec(name));
        assert.deepEqual(renderedSpec(objects), spec, at);
        assert.deepEqual(allPolicies(objects), [], at);
        if (overlay === 'prod') assert.deepEqual(kafkaAuthProblems(objects), [], at);
        assert.deepEqual(connectorDrift(objects, loadConnectorDefinition(spec)), [], at);
        const topic = ticketsTopicOf(spec);
        assert.deepEqual(topicNames(objects).sort(), [topic, `${topic}.dlq`].sort(), at);
        assert.ok(!JSON.stringify(objects).includes('ticketdb.public.tickets'), `${at}: the default topic is gone`);
      }
  });

  it('a component behind its spec or its base fails, and a bad spec is refused before anything is written', () => {
    // The spec edited in the component without generating again: the connector and the topics are the old spec's.
    const edited = renderWithSpec('prod', exampleSpec('zammad'), (files) => {
      files['archive-spec.yaml'] = readFileSync(exampleSpec('znuny'), 'utf8');
    });
    assert.match(policies.connectorPolicy(edited).join('\n'), /the spec's table znuny\.ticket needs/);
    assert.match(policies.topicPolicy(edited).join('\n'), /no KafkaTopic declares ticketdb\.znuny\.ticket/);
    // A base whose topic is no longer the one the component renames: each patch tests the value it replaces.
    assert.throws(
      () =>
        renderWithSpec('dev', exampleSpec('znuny'), (files) => {
          files['kustomization.yaml'] = files['kustomization.yaml']!.replaceAll(
            'value: ticketdb.public.tickets\n',
            'value: cdc.public.tickets\n',
          );
        }),
      /test failed/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'ticket-archiver-spec-'));
    try {
      const bad = join(dir, 'bad.yaml');
      writeFileSync(bad, readFileSync(exampleSpec('znuny'), 'utf8').replace('type: bigint', 'type: smallint'));
      assert.throws(() => specComponentFiles(bad), /key\.type/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
