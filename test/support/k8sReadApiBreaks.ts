// The read API's cases for test/integration/k8sPolicies.test.ts (`ticket-archiver serve`, judged by
// services/readApi/settings.ts and the endpoints it answers), apart for their length.
import type { policies } from '../../infra/k8s/checks/policies.ts';
import type { K8sObject } from '../../infra/k8s/checks/render.ts';
import { broken, READ_API, readApiSettings, render, sharedSettings } from './k8sManifests.ts';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call --
   the broken cases reach into a rendered manifest wherever the break goes, typed or not */
/** Each way of breaking the read API's manifests that a policy must catch (on a render of the dev overlay). */
export function readApiCases(objects: K8sObject[]): Array<[keyof typeof policies, K8sObject[], RegExp]> {
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
        (d) => (api(d).env.find((e: { name: string }) => e.name === 'LOG_LEVEL').valueFrom.configMapKeyRef.key = 'LOG'),
      ),
      new RegExp(`${at}: LOG_LEVEL takes key LOG of ConfigMap ticket-archiver-settings-`),
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
