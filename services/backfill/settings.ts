// The backfill's settings: the movers' shared ones plus its own, validated at start like the archiver's.
import { hostname } from 'node:os';
import { z } from 'zod';
import { moverSchema, wholeNumber } from '../core/settings.ts';

export const backfillSchema = moverSchema.extend({
  // Two overlap one page's reads with another's writes.
  BACKFILL_WORKERS: wholeNumber(2, 1, 64, 'a whole number of workers').describe(
    'workers, each over its own range of last operation times',
  ),
  MAX_MOVES_PER_SECOND: wholeNumber(0, 0, 1_000_000, 'a whole number of moves per second, 0 for unlimited').describe(
    'a hard cap on moves per second (0: none; the throttle may allow fewer)',
  ),
  INSTANCE_NAME: z
    .string()
    .min(1)
    .default(`backfill-${hostname()}-${process.pid}`)
    .describe('this instance in logs, the ledger and the history')
    .meta({ shownDefault: 'backfill-<host>-<pid>' }),
});

export type BackfillSettings = z.infer<typeof backfillSchema>;
