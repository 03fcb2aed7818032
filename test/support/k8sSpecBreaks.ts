// The archive spec's cases for test/integration/k8sPolicies.test.ts: each way of breaking the spec in the manifests
// (its ConfigMap, its mounts, ARCHIVE_SPEC, the KafkaConnector and the topics made for it) that a policy must catch.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { policies } from '../../infra/k8s/checks/policies.ts';
import type { K8sObject } from '../../infra/k8s/checks/render.ts';
import { projectRoot } from '../../infra/local/settings.ts';
import { broken, migrationsJob, READ_API, render, sharedSettings, specSettings } from './k8sManifests.ts';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call --
   the broken cases reach into a rendered manifest wherever the break goes, typed or not */
type Case = [keyof typeof policies, K8sObject[], RegExp];

const pod = (o: any) => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);
const withoutEnv = (c: any, name: string) => (c.env = c.env.filter((e: { name: string }) => e.name !== name));
const znuny = readFileSync(join(projectRoot, 'connectors/specs/znuny.yaml'), 'utf8');

/** Each break on a render of the dev overlay (the KafkaUsers' on prod's). */
export function specCases(objects: K8sObject[]): Case[] {
  const spec = specSettings(objects);
  const withSpec = (text: string) => broken(objects, 'ConfigMap', (o) => (o.data['archive-spec.yaml'] = text), spec);
  const setting = (name: string, value: string) =>
    broken(objects, 'ConfigMap', (o) => (o.data[name] = value), sharedSettings(objects));
  const connector = (key: string, value: string) =>
    broken(objects, 'KafkaConnector', (o) => (o.spec.config[key] = value));
  const prod = render('prod');
  const acl = (user: string, i: number) =>
    broken(prod, 'KafkaUser', (o) => (o.spec.authorization.acls[i].resource.name = 'ticketdb.public.ticket'), user);
  const defaultText = objects.find((o) => o.metadata.name === spec)!.data!['archive-spec.yaml']!;
  return [
    // Every container whose command reads ARCHIVE_SPEC: the migrations, the schema wait, the movers, the read API.
    [
      'specPolicy',
      broken(objects, 'Job', (j) => withoutEnv(pod(j).containers[0], 'ARCHIVE_SPEC'), migrationsJob(objects)),
      /Job\/ticket-archiver-migrate-0\.1\.0-dev container migrate: ARCHIVE_SPEC is not set: the program would run on the default/,
    ],
    [
      'specPolicy',
      broken(objects, 'Deployment', (d) => withoutEnv(pod(d).initContainers[0], 'ARCHIVE_SPEC'), 'ticket-archiver'),
      /Deployment\/ticket-archiver container wait-for-schema: ARCHIVE_SPEC is not set/,
    ],
    [
      'specPolicy',
      broken(objects, 'CronJob', (c) => (pod(c).containers[0].volumeMounts = [{ name: 'tmp', mountPath: '/tmp' }])),
      /CronJob\/ticket-archiver-reconciler container reconciler: ARCHIVE_SPEC \/etc\/ticket-archiver\/spec\/archive-spec\.yaml is under no volumeMount/,
    ],
    [
      'specPolicy',
      broken(objects, 'Deployment', (d) => (pod(d).containers[0].volumeMounts[1].readOnly = false), READ_API),
      /Deployment\/ticket-archiver-read-api container read-api: the spec's volumeMount archive-spec at \/etc\/ticket-archiver\/spec is not readOnly/,
    ],
    [
      'specPolicy',
      broken(
        objects,
        'Deployment',
        (d) => (pod(d).volumes.find((v: any) => v.name === 'archive-spec').configMap.name = sharedSettings(objects)),
        'ticket-archiver',
      ),
      /container archiver: ARCHIVE_SPEC \/etc\/ticket-archiver\/spec\/archive-spec\.yaml is no key of ConfigMap ticket-archiver-settings-/,
    ],
    [
      'specPolicy',
      setting('ARCHIVE_SPEC', '/etc/ticket-archiver/spec/spec.yaml'),
      /container archiver: ARCHIVE_SPEC \/etc\/ticket-archiver\/spec\/spec\.yaml is no key of ConfigMap ticket-archiver-spec-/,
    ],
    // The migrations prepare one table, the archiver moves another: one spec for all.
    [
      'specPolicy',
      broken(
        [
          ...objects,
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' }, data: { 'archive-spec.yaml': znuny } },
        ],
        'Deployment',
        (d) => (pod(d).volumes.find((v: any) => v.name === 'archive-spec').configMap.name = 'other'),
        READ_API,
      ),
      /the containers read different specs: .*Deployment\/ticket-archiver-read-api container read-api other\/archive-spec\.yaml/,
    ],
    // The spec itself, by the program's schema.
    [
      'specPolicy',
      withSpec(defaultText.replace('type: bigint', 'type: smallint')),
      new RegExp(`ConfigMap ${spec} key archive-spec\\.yaml: key\\.type: `),
    ],
    ['specPolicy', withSpec('table: [public.tickets'), /archive-spec\.yaml: not YAML or JSON/],
    // The KafkaConnector is the spec's, as connectorFor makes it.
    [
      'connectorPolicy',
      connector('table.include.list', 'public\\.ticket,ticket_archiver\\.debezium_signal'),
      /KafkaConnector\/tickets-cdc: table\.include\.list is .*, the spec's table public\.tickets needs/,
    ],
    [
      'connectorPolicy',
      connector(
        'column.include.list',
        'public\\.tickets\\.(id|last_operated_at|status),ticket_archiver\\.debezium_signal\\.(id|type|data)',
      ),
      /column\.include\.list is .*\(id\|last_operated_at\|status\).* needs .*\(id\|last_operated_at\|status\|version\)/,
    ],
    ['connectorPolicy', connector('signal.data.collection', 'public.debezium_signal'), /signal\.data\.collection/],
    ['connectorPolicy', connector('publication.name', 'dbz_publication'), /migrate creates ticket_archiver_cdc/],
    [
      'connectorPolicy',
      broken(objects, 'KafkaConnector', (o) => delete o.spec.autoRestart),
      /KafkaConnector\/tickets-cdc: autoRestart\.enabled is not true/,
    ],
    // A spec replaced without generating the rest: the connector captures the old table, no KafkaTopic has the topic.
    ['connectorPolicy', withSpec(znuny), /table\.include\.list is .*, the spec's table znuny\.ticket needs/],
    ['topicPolicy', withSpec(znuny), /no KafkaTopic declares ticketdb\.znuny\.ticket, the topic KafkaConnector/],
    ['scalingPolicy', withSpec(znuny), /no KafkaTopic declares ticketdb\.znuny\.ticket/],
    // The archiver's topic is the connector's.
    [
      'topicPolicy',
      setting('TICKETS_TOPIC', 'ticketdb.public.ticket'),
      /Deployment\/ticket-archiver container archiver: reads topic ticketdb\.public\.ticket \(TICKETS_TOPIC\), KafkaConnector\/tickets-cdc writes public\.tickets to ticketdb\.public\.tickets/,
    ],
    [
      'topicPolicy',
      connector('topic.prefix', 'cdc'),
      /container reconciler: reads topic ticketdb\.public\.tickets \(its default for the spec\), KafkaConnector\/tickets-cdc writes public\.tickets to cdc\.public\.tickets/,
    ],
    [
      'topicPolicy',
      broken(objects, 'KafkaTopic', (o) => (o.spec.topicName = 'tickets.dlq'), 'tickets-cdc-dead-letters'),
      /no KafkaTopic declares ticketdb\.public\.tickets\.dlq, the dead-letter topic of Deployment\/ticket-archiver/,
    ],
    [
      'scalingPolicy',
      broken(objects, 'ScaledObject', (o) => (o.spec.triggers[0].metadata.topic = 'ticketdb.public.ticket')),
      /kafka trigger topic ticketdb\.public\.ticket is not the archiver's ticketdb\.public\.tickets/,
    ],
    [
      'topicPolicy',
      acl('ticket-archiver', 0),
      /KafkaUser\/ticket-archiver \(Deployment\/ticket-archiver container archiver\) has no ACL on topic ticketdb\.public\.tickets$/m,
    ],
    [
      'topicPolicy',
      acl('ticket-archiver-connect', 2),
      /KafkaUser\/ticket-archiver-connect \(KafkaConnect\/tickets-connect\) has no ACL on topic ticketdb\.public\.tickets/,
    ],
    [
      'settingsPolicy',
      setting('COLD_DATABASE', 'ticket archive'),
      /container archiver: COLD_DATABASE: expected a MongoDB database name/,
    ],
  ];
}
