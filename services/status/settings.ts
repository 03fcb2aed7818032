// The settings `status` reads: where the stores are, which group and topics to look at, and its own thresholds.
import { z } from 'zod';
import { configSchema, duration, wholeNumber } from '../core/settings.ts';

export const statusSchema = configSchema.extend({
  ARCHIVER_GROUP_ID: z.string().min(1).default('ticket-archiver'),
  DEAD_LETTER_TOPIC: z.string().min(1).optional(),
  /** WAL the connector's slot may keep before status calls it a problem. */
  SLOT_WAL_WARNING: wholeNumber(1024 * 2 ** 20, 1, Number.MAX_SAFE_INTEGER, 'a whole number of bytes'),
  /** Age of the last successful reconcile pass beyond which status calls it a problem. */
  STATUS_MAX_PASS_AGE: duration('1h'),
});

export type StatusSettings = z.infer<typeof statusSchema>;
