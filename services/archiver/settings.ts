// The archiver's settings: the movers' shared ones plus its own, every one validated at start.
import { hostname } from 'node:os';
import { z } from 'zod';
import { bool, duration, moverSchema, wholeNumber } from '../core/settings.ts';

export const archiverSchema = moverSchema.extend({
  /** Owned partitions an instance moves at the same time (each partition's events and timers stay in order). Two
   * overlap one move's cold-store writes with another's reads and deletes; more mostly adds load on the stores. */
  PARALLEL_PARTITIONS: wholeNumber(2, 1, 32, 'a whole number of partitions moved at once'),
  TIMER_POLL_INTERVAL: duration('1s'),
  MAX_MOVES_PER_SECOND: wholeNumber(0, 0, 1_000_000, 'a whole number of moves per second, 0 for unlimited'),
  DRY_RUN: bool(false),
  DEAD_LETTER_TOPIC: z.string().min(1).optional(),
  HTTP_PORT: wholeNumber(9464, 0, 65535, 'a TCP port (0 picks a free one)'),
  SHUTDOWN_TIMEOUT: duration('30s'),
  INSTANCE_NAME: z.string().min(1).default(`${hostname()}-${process.pid}`),
  /** How long the group waits for a silent instance (killed, frozen, cut off) before its partitions go to the others.
   * Short, because a killed instance stalls its partitions for this long; at least 6 s (the broker's minimum). */
  ARCHIVER_SESSION_TIMEOUT: duration('10s').refine((ms) => ms >= 6000 && ms <= 1_800_000, {
    error: 'expected between 6s and 30m',
  }),
  /** When the reconciler should retry a deletion the archiver recorded as stuck, by failure class. */
  STUCK_RETRY_DELAY: duration('30s'),
  PERMANENT_RETRY_DELAY: duration('10m'),
});

export type ArchiverSettings = z.infer<typeof archiverSchema>;

export function deadLetterTopic(s: ArchiverSettings): string {
  return s.DEAD_LETTER_TOPIC ?? `${s.TICKETS_TOPIC}.dlq`;
}
