// The settings `status` reads: where the stores are, which group and topics to look at, and its own thresholds.
import { z } from 'zod';
import { commandSchema, configSchema, duration, wholeNumber } from '../core/settings.ts';

export const statusSchema = configSchema.extend({
  ARCHIVER_GROUP_ID: commandSchema.shape.ARCHIVER_GROUP_ID,
  SHUTDOWN_TIMEOUT: commandSchema.shape.SHUTDOWN_TIMEOUT,
  DEAD_LETTER_TOPIC: z.string().min(1).optional().describe('where malformed messages go (default: TICKETS_TOPIC.dlq)'),
  SLOT_WAL_WARNING: wholeNumber(1024 * 2 ** 20, 1, Number.MAX_SAFE_INTEGER, 'a whole number of bytes').describe(
    "WAL (bytes) the connector's slot may keep before status calls it a problem",
  ),
  STATUS_MAX_PASS_AGE: duration('1h').describe(
    'age of the last successful reconcile pass beyond which status calls it a problem',
  ),
});

export type StatusSettings = z.infer<typeof statusSchema>;
