// The backfill's settings: the movers' shared ones plus its own, validated at start like the archiver's.
import { hostname } from 'node:os';
import { z } from 'zod';
import { moverSchema, wholeNumber } from '../core/settings.ts';

export const backfillSchema = moverSchema
  .extend({
    // Two overlap one page's reads with another's writes.
    BACKFILL_WORKERS: wholeNumber(2, 1, 64, 'a whole number of workers').describe(
      'workers, each over its own range of last operation times',
    ),
    MAX_MOVES_PER_SECOND: wholeNumber(0, 0, 1_000_000, 'a whole number of moves per second, 0 for unlimited').describe(
      'a hard cap on moves per second (0: none; the throttle may allow fewer)',
    ),
    // A Kubernetes Indexed Job's pods share one backfill: its `completions`, and the index Kubernetes gives each pod.
    BACKFILL_INDEXES: wholeNumber(1, 1, 100, 'a whole number of processes').describe(
      "processes sharing this backfill's plan, each its own slices (a Kubernetes Indexed Job's completions)",
    ),
    JOB_COMPLETION_INDEX: wholeNumber(0, 0, 99, 'a whole number from 0').describe(
      "this process's share of the plan, from 0 (Kubernetes sets it in an Indexed Job's pods)",
    ),
    INSTANCE_NAME: z
      .string()
      .min(1)
      .default(`backfill-${hostname()}-${process.pid}`)
      .describe('this instance in logs, the ledger and the history')
      .meta({ shownDefault: 'backfill-<host>-<pid>' }),
  })
  .refine((s) => s.JOB_COMPLETION_INDEX < s.BACKFILL_INDEXES, {
    path: ['JOB_COMPLETION_INDEX'],
    error: 'expected below BACKFILL_INDEXES (indexes count from 0)',
  });

export type BackfillSettings = z.infer<typeof backfillSchema>;
