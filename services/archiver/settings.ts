// The archiver's settings: the movers' shared ones plus its own, every one validated at start.
import { hostname } from 'node:os';
import { z } from 'zod';
import { configSchema, duration, moverSchema, wholeNumber } from '../core/settings.ts';

export const archiverSchema = moverSchema.extend({
  KAFKA_CONNECT_URL: configSchema.shape.KAFKA_CONNECT_URL,
  // Two overlap one move's cold-store writes with another's reads and deletes; more mostly adds load on the stores.
  PARALLEL_PARTITIONS: wholeNumber(2, 1, 32, 'a whole number of partitions moved at once').describe(
    "owned partitions moved at the same time (each partition's events and timers stay in order)",
  ),
  TIMER_POLL_INTERVAL: duration('1s').describe('how often the due timers of the owned partitions are read'),
  MAX_MOVES_PER_SECOND: wholeNumber(0, 0, 1_000_000, 'a whole number of moves per second, 0 for unlimited').describe(
    'a hard cap on moves per second (0: none; the throttle may allow fewer)',
  ),
  DEAD_LETTER_TOPIC: z.string().min(1).optional().describe('where malformed messages go (default: TICKETS_TOPIC.dlq)'),
  HTTP_PORT: wholeNumber(9464, 0, 65535, 'a TCP port (0 picks a free one)').describe('/healthz, /readyz and /metrics'),
  INSTANCE_NAME: z
    .string()
    .min(1)
    .default(`${hostname()}-${process.pid}`)
    .describe('this instance in logs, the ledger and the history')
    .meta({ shownDefault: '<host>-<pid>' }),
  // Short, because a killed instance stalls its partitions for this long; at least 6 s (the broker's minimum).
  ARCHIVER_SESSION_TIMEOUT: duration('10s')
    .refine((ms) => ms >= 6000 && ms <= 1_800_000, { error: 'expected between 6s and 30m' })
    .describe('how long the group waits for a silent instance before its partitions go to the others'),
  STUCK_RETRY_DELAY: duration('30s').describe('when the reconciler first retries a transient stuck deletion'),
  PERMANENT_RETRY_DELAY: duration('10m').describe('when the reconciler first retries a permanent stuck deletion'),
});

export type ArchiverSettings = z.infer<typeof archiverSchema>;

export function deadLetterTopic(s: { DEAD_LETTER_TOPIC?: string | undefined; TICKETS_TOPIC: string }): string {
  return s.DEAD_LETTER_TOPIC ?? `${s.TICKETS_TOPIC}.dlq`;
}
