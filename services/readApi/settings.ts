// `ticket-archiver serve`'s settings, validated at start like every service's.
import { z } from 'zod';
import { bool, configSchema, duration, url, wholeNumber } from '../core/settings.ts';

export const readApiSchema = configSchema
  .pick({ DATABASE_URL: true, MONGODB_URL: true, COLD_AFTER: true, LOG_LEVEL: true })
  .extend({
    /** restore's role (it inserts into tickets); the reads use DATABASE_URL, which should be a read-only role. */
    RESTORE_DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/tickets').optional(),
    HTTP_PORT: wholeNumber(8080, 0, 65535, 'a TCP port (0 picks a free one)'),
    /** Bearer token the write endpoint (restore) requires; without it, restore through the API is refused. */
    API_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
    /** Whether reads require the token too. */
    API_READS_REQUIRE_TOKEN: bool(false),
    /** Connections to the hot database for reads. */
    API_DATABASE_POOL_SIZE: wholeNumber(8, 1, 200, 'a whole number of connections'),
    SHUTDOWN_TIMEOUT: duration('10s'),
  })
  .refine((s) => !s.API_READS_REQUIRE_TOKEN || s.API_TOKEN !== undefined, {
    path: ['API_TOKEN'],
    error: 'required when API_READS_REQUIRE_TOKEN=true',
  });

export type ReadApiSettings = z.infer<typeof readApiSchema>;
