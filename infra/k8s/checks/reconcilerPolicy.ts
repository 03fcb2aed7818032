// The reconciler policy: one CronJob, one pass at a time, each bounded in time.
import type { ICronJobSpec } from 'kubernetes-models/batch/v1/CronJobSpec';
import { specOf, type K8sObject } from './render.ts';

/** The reconciler runs one pass at a time, never overlapping. */
export function reconcilerPolicy(objects: K8sObject[]): string[] {
  const jobs = objects.filter((o) => o.kind === 'CronJob');
  const problems: string[] = jobs.length === 1 ? [] : [`expected one CronJob, found ${jobs.length}`];
  for (const o of jobs) {
    const spec = specOf<ICronJobSpec>(o);
    if (spec?.concurrencyPolicy !== 'Forbid')
      problems.push(
        `CronJob/${o.metadata.name}: concurrencyPolicy ${spec?.concurrencyPolicy ?? 'Allow'}, passes may overlap`,
      );
    if (!((spec?.startingDeadlineSeconds ?? 0) > 0))
      problems.push(`CronJob/${o.metadata.name}: no startingDeadlineSeconds`);
    if (!((spec?.jobTemplate.spec?.activeDeadlineSeconds ?? 0) > 0))
      problems.push(`CronJob/${o.metadata.name}: no activeDeadlineSeconds`);
    const command = spec?.jobTemplate.spec?.template.spec?.containers[0]?.command ?? [];
    if (command.join(' ') !== 'ticket-archiver reconcile --once')
      problems.push(`CronJob/${o.metadata.name}: runs ${command.join(' ')}, not one reconcile pass`);
  }
  return problems;
}
