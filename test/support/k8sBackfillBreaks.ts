// The backfill Job's cases for test/integration/k8sPolicies.test.ts: each way of breaking its Indexed Job that the
// backfill policy must catch.
import type { policies } from '../../infra/k8s/checks/policies.ts';
import type { K8sObject } from '../../infra/k8s/checks/render.ts';
import { broken } from './k8sManifests.ts';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call --
   the broken cases reach into a rendered manifest wherever the break goes, typed or not */
type Case = [keyof typeof policies, K8sObject[], RegExp];

export function backfillCases(objects: K8sObject[]): Case[] {
  const name = objects.find(
    (o) => o.kind === 'Job' && o.metadata.labels?.['app.kubernetes.io/component'] === 'backfill',
  )!.metadata.name;
  const job = (change: (spec: any) => void) => broken(objects, 'Job', (j) => change(j.spec), name);
  const command = (c: string[]) => job((s) => (s.template.spec.containers[0].command = c));
  const settings = objects.find((o) => o.metadata.name.startsWith('ticket-archiver-backfill-settings-'))!.metadata.name;
  return [
    ['backfillPolicy', job((s) => delete s.completionMode), /completionMode NonIndexed, not Indexed/],
    ['backfillPolicy', job((s) => (s.completions = 3)), /3 completions but BACKFILL_INDEXES=2/],
    [
      'backfillPolicy',
      broken(objects, 'ConfigMap', (o) => (o.data.BACKFILL_INDEXES = '4'), settings),
      /2 completions but BACKFILL_INDEXES=4/,
    ],
    ['backfillPolicy', job((s) => (s.parallelism = 5)), /parallelism 5 above its 2 completions/],
    ['backfillPolicy', job((s) => delete s.backoffLimitPerIndex), /no backoffLimitPerIndex/],
    ['backfillPolicy', job((s) => (s.podFailurePolicy.rules[0].onExitCodes.values = [1])), /FailIndex on exit 3/],
    ['backfillPolicy', command(['ticket-archiver', 'backfill', '--json']), /no --name/],
    [
      'backfillPolicy',
      command(['ticket-archiver', 'backfill', '--name', 'initial', '--restart']),
      /--restart would make every pod forget/,
    ],
    // Its settings are the backfill's own: a JOB_COMPLETION_INDEX past the indexes fails the program's schema.
    [
      'settingsPolicy',
      job((s) => (s.template.spec.containers[0].env.find((e: any) => e.name === 'JOB_COMPLETION_INDEX').value = '2')),
      /JOB_COMPLETION_INDEX/,
    ],
  ];
}
