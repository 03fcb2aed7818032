// The reconciler's settings: the movers' shared ones plus its own, validated at start like the archiver's.
import { hostname } from 'node:os';
import { z } from 'zod';
import { duration, moverSchema, wholeNumber } from '../core/settings.ts';

export const reconcilerSchema = moverSchema.extend({
  RECONCILE_INTERVAL: duration('60s').describe('the pause between two passes (without --once)'),
  MAX_PERMANENT_ATTEMPTS: wholeNumber(3, 1, 1000, 'a whole number of attempts').describe(
    'attempts after which a permanent failure (foreign key, privilege) goes to an operator',
  ),
  STUCK_RETRY_BASE: duration('30s').describe("a stuck deletion's first retry delay, doubled per attempt"),
  STUCK_RETRY_MAX: duration('1h').describe("a stuck deletion's longest retry delay"),
  ORPHAN_GRACE: duration('10m').describe('a copy older than this that never became an archive is settled'),
  SWEEP_PAGE_SIZE: wholeNumber(1000, 1, 100_000, 'a whole number of tickets per sweep page').describe(
    'tickets per page of the sweep for cold tickets the stream missed',
  ),
  SWEEP_MAX_PAGES: wholeNumber(100, 1, 1_000_000, 'a whole number of pages per pass').describe('sweep pages per pass'),
  LEDGER_RETENTION: duration('30d').describe("how long the hot ledger keeps an archived ticket's entry"),
  INSTANCE_NAME: z
    .string()
    .min(1)
    .default(`reconciler-${hostname()}-${process.pid}`)
    .describe('this instance in logs, the ledger and the history')
    .meta({ shownDefault: 'reconciler-<host>-<pid>' }),
});

export type ReconcilerSettings = z.infer<typeof reconcilerSchema>;
