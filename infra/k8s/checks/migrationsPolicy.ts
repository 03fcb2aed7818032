// The migrations policy: it is named after the image it runs, so that a new image is a new Job (a Job's
// template cannot change: applying a changed one under the same name fails until someone deletes it).
import type { IJobSpec } from 'kubernetes-models/batch/v1/JobSpec';
import { specOf, type K8sObject } from './render.ts';

/** The tag of an image reference (registry/name:tag), if it has one. */
const tagOf = (image: string) => image.slice(image.lastIndexOf('/') + 1).split(':')[1];

export function migrationsPolicy(objects: K8sObject[]): string[] {
  const jobs = objects.filter(
    (o) => o.kind === 'Job' && o.metadata.labels?.['app.kubernetes.io/component'] === 'migrations',
  );
  const problems: string[] = jobs.length === 1 ? [] : [`expected one migrations Job, found ${jobs.length}`];
  for (const job of jobs) {
    const image = specOf<IJobSpec>(job)?.template.spec?.containers[0]?.image ?? '';
    const tag = tagOf(image);
    if (!tag) problems.push(`Job/${job.metadata.name}: runs ${image || 'no image'}, without a tag to name the Job by`);
    else if (!job.metadata.name.endsWith(`-${tag}`))
      problems.push(
        `Job/${job.metadata.name}: runs ${image} but is not named after its tag (-${tag}): the next image would be applied to this Job, whose template cannot change`,
      );
  }
  return problems;
}
