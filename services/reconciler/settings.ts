// The reconciler's settings, validated at start like the archiver's.
import { hostname } from 'node:os';
import { z } from 'zod';
import { configSchema, duration } from '../shared/config.ts';

const int = (fallback: number, min: number, max: number, what: string) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int(`expected ${what}`)
    .min(min, `expected ${what} (at least ${min})`)
    .max(max, `expected ${what} (at most ${max})`)
    .default(fallback);

export const reconcilerSchema = configSchema.extend({
  /** Timers the reconciler sets (a held ticket, one not yet due) belong to the archiver's group, which fires them. */
  ARCHIVER_GROUP_ID: z.string().min(1).default('ticket-archiver'),
  RECONCILE_INTERVAL: duration('60s'),
  ARCHIVE_BATCH_SIZE: int(500, 1, 10_000, 'a whole number of tickets per move'),
  FRESHNESS_TARGET: duration('10s'),
  DELETE_LOCK_TIMEOUT: duration('200ms'),
  /** Attempts after which a permanent failure (foreign key, privilege) is escalated to an operator. */
  MAX_PERMANENT_ATTEMPTS: int(3, 1, 1000, 'a whole number of attempts'),
  STUCK_RETRY_BASE: duration('30s'),
  STUCK_RETRY_MAX: duration('1h'),
  /** A copy older than this that never became an archive is an interrupted move to finish or roll back. */
  ORPHAN_GRACE: duration('10m'),
  SWEEP_PAGE_SIZE: int(1000, 1, 100_000, 'a whole number of tickets per sweep page'),
  SWEEP_MAX_PAGES: int(100, 1, 1_000_000, 'a whole number of pages per pass'),
  INSTANCE_NAME: z.string().min(1).default(`reconciler-${hostname()}-${process.pid}`),
});

export type ReconcilerSettings = z.infer<typeof reconcilerSchema>;
