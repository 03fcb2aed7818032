// The reconciler's settings, validated at start like the archiver's.
import { hostname } from 'node:os';
import { z } from 'zod';
import { configSchema, duration, wholeNumber } from '../shared/config.ts';


export const reconcilerSchema = configSchema.extend({
  /** Timers the reconciler sets (a held ticket, one not yet due) belong to the archiver's group, which fires them. */
  ARCHIVER_GROUP_ID: z.string().min(1).default('ticket-archiver'),
  RECONCILE_INTERVAL: duration('60s'),
  ARCHIVE_BATCH_SIZE: wholeNumber(500, 1, 10_000, 'a whole number of tickets per move'),
  FRESHNESS_TARGET: duration('10s'),
  DELETE_LOCK_TIMEOUT: duration('200ms'),
  /** Attempts after which a permanent failure (foreign key, privilege) is escalated to an operator. */
  MAX_PERMANENT_ATTEMPTS: wholeNumber(3, 1, 1000, 'a whole number of attempts'),
  STUCK_RETRY_BASE: duration('30s'),
  STUCK_RETRY_MAX: duration('1h'),
  /** A copy older than this that never became an archive is an interrupted move to finish or roll back. */
  ORPHAN_GRACE: duration('10m'),
  SWEEP_PAGE_SIZE: wholeNumber(1000, 1, 100_000, 'a whole number of tickets per sweep page'),
  SWEEP_MAX_PAGES: wholeNumber(100, 1, 1_000_000, 'a whole number of pages per pass'),
  INSTANCE_NAME: z.string().min(1).default(`reconciler-${hostname()}-${process.pid}`),
});

export type ReconcilerSettings = z.infer<typeof reconcilerSchema>;
