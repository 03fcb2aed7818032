// The backfill policy: the backfill (where an overlay includes it) runs as an Indexed Job whose indexes are the
// processes its plan is cut for, each retried on its own, failed at once on an error retrying cannot cure, and never
// told to forget a shared plan.
import type { IJobSpec } from 'kubernetes-models/batch/v1/JobSpec';
import { EXIT_CANNOT_RETRY } from '../../../services/core/errors.ts';
import { specOf, type K8sObject } from './render.ts';
import { containerEnv, where, workloads } from './workloads.ts';

export function backfillPolicy(objects: K8sObject[]): string[] {
  const backfills = workloads(objects).filter(
    (w) => !w.init && (w.container.command ?? []).slice(0, 2).join(' ') === 'ticket-archiver backfill',
  );
  // None where an overlay does not include components/backfill.
  const problems: string[] =
    backfills.length <= 1 ? [] : [`expected at most one backfill container, found ${backfills.length}`];
  for (const w of backfills) {
    const at = where(w);
    const command = w.container.command ?? [];
    if (w.object.kind !== 'Job') {
      problems.push(`${at}: runs in a ${w.object.kind}, not a Job`);
      continue;
    }
    const spec = specOf<IJobSpec>(w.object);
    const completions = spec?.completions ?? 1;
    const indexes = Number(containerEnv(objects, w, () => 'x').env.BACKFILL_INDEXES ?? '1');
    if (spec?.completionMode !== 'Indexed')
      problems.push(
        `${at}: completionMode ${spec?.completionMode ?? 'NonIndexed'}, not Indexed: every pod would work index 0`,
      );
    if (completions !== indexes)
      problems.push(
        `${at}: ${completions} completions but BACKFILL_INDEXES=${indexes}: the plan's slices of some indexes would go to no pod, or pods would find none`,
      );
    if ((spec?.parallelism ?? 1) > completions)
      problems.push(`${at}: parallelism ${spec?.parallelism} above its ${completions} completions`);
    if (spec?.backoffLimitPerIndex === undefined)
      problems.push(`${at}: no backoffLimitPerIndex: one index's failures would use up every index's retries`);
    const failIndex = (spec?.podFailurePolicy?.rules ?? []).some(
      (r) =>
        r.action === 'FailIndex' &&
        r.onExitCodes?.operator === 'In' &&
        r.onExitCodes.values.includes(EXIT_CANNOT_RETRY),
    );
    if (!failIndex)
      problems.push(
        `${at}: no podFailurePolicy rule FailIndex on exit ${EXIT_CANNOT_RETRY} (an error retrying cannot cure)`,
      );
    if (!command.includes('--name'))
      problems.push(`${at}: no --name: the Job's backfill would share the default name with any other`);
    if (command.includes('--restart'))
      problems.push(`${at}: --restart would make every pod forget the plan the others work`);
  }
  return problems;
}
