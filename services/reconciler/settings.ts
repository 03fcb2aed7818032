// The reconciler's settings: the movers' shared ones plus its own, validated at start like the archiver's.
import { hostname } from 'node:os';
import { z } from 'zod';
import { duration, moverSchema, wholeNumber } from '../core/settings.ts';

export const reconcilerSchema = moverSchema.extend({
  RECONCILE_INTERVAL: duration('60s'),
  /** Attempts after which a permanent failure (foreign key, privilege) is escalated to an operator. */
  MAX_PERMANENT_ATTEMPTS: wholeNumber(3, 1, 1000, 'a whole number of attempts'),
  STUCK_RETRY_BASE: duration('30s'),
  STUCK_RETRY_MAX: duration('1h'),
  /** A copy older than this that never became an archive is an interrupted move to finish or roll back. */
  ORPHAN_GRACE: duration('10m'),
  SWEEP_PAGE_SIZE: wholeNumber(1000, 1, 100_000, 'a whole number of tickets per sweep page'),
  SWEEP_MAX_PAGES: wholeNumber(100, 1, 1_000_000, 'a whole number of pages per pass'),
  /** How long the hot ledger keeps an archived ticket's entry (the cold store keeps the evidence for good). */
  LEDGER_RETENTION: duration('30d'),
  INSTANCE_NAME: z.string().min(1).default(`reconciler-${hostname()}-${process.pid}`),
});

export type ReconcilerSettings = z.infer<typeof reconcilerSchema>;
