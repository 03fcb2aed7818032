// One plan per backfill however many processes start it at once (the pods of a Kubernetes Indexed Job): the first to
// save its slices wins and the others work from that plan, each the slices of its own index. A plan cannot be
// re-cut under a running backfill, so a process that counts the Job's indexes differently stops with the reason.
import { setTimeout as sleep } from 'node:timers/promises';
import { BackfillPlanError } from '../core/errors.ts';
import type { BackfillSlice } from '../edges/coldStore/index.ts';

export interface PlanStore {
  slicesOf(backfill: string): Promise<BackfillSlice[]>;
  /** Saves a new plan unless the backfill has one: false when another process saved its plan first. */
  planOnce(slices: BackfillSlice[]): Promise<boolean>;
}

export interface PlanTarget {
  name: string;
  /** This process's index and how many share the backfill (BACKFILL_INDEXES, JOB_COMPLETION_INDEX). */
  index: number;
  indexes: number;
  dryRun: boolean;
}

export interface SharedPlan {
  /** Every slice of the plan, and the ones this process works. */
  all: BackfillSlice[];
  mine: BackfillSlice[];
  /** Whether this process made the plan (else it resumed, or joined one another process made). */
  planned: boolean;
}

const indexOf = (s: BackfillSlice) => s.index ?? 0;
const indexesOf = (s: BackfillSlice) => s.indexes ?? 1;
/** A plan is whole once every slice it counted is saved (an ordered insert lands slice by slice). */
const isWhole = (slices: BackfillSlice[]) =>
  slices.length > 0 && slices.every((s) => (s.planned ?? slices.length) === slices.length);

function claim(target: PlanTarget, all: BackfillSlice[], planned: boolean): SharedPlan {
  const counted = indexesOf(all[0] as BackfillSlice);
  if (counted !== target.indexes) {
    throw new BackfillPlanError(
      `backfill ${target.name} was planned for ${counted} process(es) (BACKFILL_INDEXES=${counted}) and this one ` +
        `has BACKFILL_INDEXES=${target.indexes}: run it with the plan's count, or plan anew under another --name`,
    );
  }
  return { all, mine: all.filter((s) => indexOf(s) === target.index), planned };
}

/** The backfill's plan: the saved one, else a new one saved by whichever process gets there first. A dry run saves
 * nothing. Waits up to `waitMs` for a plan another process is saving to be whole. */
export async function sharedPlan(
  store: PlanStore,
  target: PlanTarget,
  plan: () => Promise<BackfillSlice[]>,
  waitMs = 30_000,
): Promise<SharedPlan> {
  const saved = await store.slicesOf(target.name);
  if (isWhole(saved)) return claim(target, saved, false);
  if (saved.length === 0) {
    const fresh = await plan();
    if (target.dryRun || (await store.planOnce(fresh))) return claim(target, fresh, true);
  }
  const until = Date.now() + waitMs;
  for (;;) {
    const seen = await store.slicesOf(target.name);
    if (isWhole(seen)) return claim(target, seen, false);
    if (Date.now() > until) {
      const of = seen[0]?.planned ?? '?';
      throw new BackfillPlanError(
        `backfill ${target.name}: its saved plan has ${seen.length} of ${of} slices after ${waitMs / 1000} s ` +
          `(its planner stopped while saving it): plan anew under another --name`,
      );
    }
    await sleep(250);
  }
}
