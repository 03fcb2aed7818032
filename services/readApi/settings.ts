// `ticket-archiver serve`'s settings, validated at start like every service's.
import { z } from 'zod';
import { bool, commandSchema, configSchema, jobDatabaseUrls, wholeNumber } from '../core/settings.ts';

export const readApiSchema = configSchema
  .pick({ DATABASE_URL: true, MONGODB_URL: true, COLD_DATABASE: true, LOG_LEVEL: true, ARCHIVE_SPEC: true })
  .extend({
    READ_DATABASE_URL: jobDatabaseUrls.READ_DATABASE_URL,
    RESTORE_DATABASE_URL: jobDatabaseUrls.RESTORE_DATABASE_URL,
    HTTP_PORT: wholeNumber(8080, 0, 65535, 'a TCP port (0 picks a free one)').describe(
      'the API, /healthz, /readyz and /metrics',
    ),
    API_TOKEN: z
      .string()
      .min(16, 'expected at least 16 characters')
      .optional()
      .describe('bearer token restore requires (unset: restore through the API is refused)'),
    API_READS_REQUIRE_TOKEN: bool(false).describe('whether reads require the token too'),
    API_DATABASE_POOL_SIZE: wholeNumber(8, 1, 200, 'a whole number of connections').describe(
      'connections to the hot database for reads',
    ),
    SHUTDOWN_TIMEOUT: commandSchema.shape.SHUTDOWN_TIMEOUT,
  })
  .refine((s) => !s.API_READS_REQUIRE_TOKEN || s.API_TOKEN !== undefined, {
    path: ['API_TOKEN'],
    error: 'required when API_READS_REQUIRE_TOKEN=true',
  });

export type ReadApiSettings = z.infer<typeof readApiSchema>;
