// Settings from environment variables, validated once at start: the schema every service shares, and the parts the
// movers (archiver and reconciler) share. Each bad value is reported with the variable's name and what is expected,
// so a misconfigured pod fails at once and says why. The caller hands in the environment (the core reads none).
import { z } from 'zod';
import { DURATION_FORMAT, parseDuration } from './duration.ts';
import { ConfigError } from './errors.ts';

export const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: `expected ${DURATION_FORMAT}, got "${text}"` });
        return z.NEVER;
      }
      return ms;
    });

/** A whole-number setting within bounds, reported as "expected <what>". */
export const wholeNumber = (fallback: number, min: number, max: number, what: string) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int(`expected ${what}`)
    .min(min, `expected ${what} (at least ${min})`)
    .max(max, `expected ${what} (at most ${max})`)
    .default(fallback);

export const url = (protocols: string[], example: string) =>
  z
    .string({ error: `required: a URL such as ${example}` })
    .min(1, `required: a URL such as ${example}`)
    .refine(
      (text) => {
        try {
          return protocols.includes(new URL(text).protocol);
        } catch {
          return false;
        }
      },
      `expected a ${protocols.join(' or ')} URL such as ${example}`,
    );

const brokers = z
  .string({ error: 'required: a comma-separated list of host:port, e.g. 127.0.0.1:9092' })
  .transform((text) =>
    text
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  )
  .refine(
    (list) =>
      list.length > 0 &&
      list.every((b) => /^[A-Za-z0-9._-]+:\d{1,5}$/.test(b) || /^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(b)),
    'expected a comma-separated list of host:port, e.g. 127.0.0.1:9092',
  );

export const configSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/tickets'),
  KAFKA_BROKERS: brokers,
  /** Kafka's own security.protocol names (core/kafkaSecurity.ts). A Strimzi listener with tls: true and
   * authentication scram-sha-512 is SASL_SSL. */
  KAFKA_SECURITY_PROTOCOL: z.enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']).default('PLAINTEXT'),
  /** PEM file of the CA that signed the brokers' certificates (Strimzi: the cluster CA); default: the system's CAs. */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  KAFKA_SASL_MECHANISM: z.enum(['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN']).default('SCRAM-SHA-512'),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  MONGODB_URL: url(['mongodb:', 'mongodb+srv:'], 'mongodb://host:27017/'),
  KAFKA_CONNECT_URL: url(['http:', 'https:'], 'http://host:8083').optional(),
  TICKETS_TOPIC: z.string().min(1).default('ticketdb.public.tickets'),
  COLD_AFTER: duration('30d'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** What the archiver and the reconciler both move by: one declaration, so the two can never disagree. */
export const moverSchema = configSchema.extend({
  /** The archiver's consumer group. Timers belong to it; the reconciler files the timers it sets under it. */
  ARCHIVER_GROUP_ID: z.string().min(1).default('ticket-archiver'),
  /** Tickets per move: one re-read, one bulk copy, one delete statement. */
  ARCHIVE_BATCH_SIZE: wholeNumber(500, 1, 10_000, 'a whole number of tickets per move'),
  /** A ticket that turns cold by time alone is archived at most this long after it is due. */
  FRESHNESS_TARGET: duration('10s'),
  /** How long a delete may wait for a row lock before the row is left for the reconciler. */
  DELETE_LOCK_TIMEOUT: duration('200ms'),
  /** The throttle (core/throttle.ts): movers slow down, then pause, while the hot database is past these bounds. */
  THROTTLE: bool(true),
  /** Latency of a primary-key read of tickets, the median of three each THROTTLE_INTERVAL. */
  THROTTLE_PROBE_LATENCY: duration('10ms'),
  THROTTLE_LOCK_WAITS: wholeNumber(5, 1, 100_000, 'a whole number of sessions waiting for locks'),
  THROTTLE_REPLICA_LAG: duration('10s'),
  /** The slowest rate kept while slowed, and the step the rate grows by per healthy reading (moves per second). */
  THROTTLE_MIN_RATE: wholeNumber(20, 1, 1_000_000, 'a whole number of moves per second'),
  THROTTLE_INTERVAL: duration('1s'),
  /** How long the per-minute progress samples (ticket-archiver history) are kept. */
  HISTORY_RETENTION: duration('400d'),
});

export type Config = z.infer<typeof configSchema>;
export type MoverSettings = z.infer<typeof moverSchema>;

/** The jobs that run under a role of their own (infra/postgres/migrations/grants.sql) read its URL from their own
 * variable when it is set: one environment can then serve every job, each connecting as itself. */
export type JobDatabaseUrl = 'MIGRATIONS_DATABASE_URL' | 'RESTORE_DATABASE_URL' | 'READ_DATABASE_URL';

export function withJobDatabaseUrl(
  env: Record<string, string | undefined>,
  variable: JobDatabaseUrl,
): Record<string, string | undefined> {
  const own = env[variable];
  return own ? { ...env, DATABASE_URL: own } : env;
}

/** Reads only the variables the schema knows; throws ConfigError listing every bad one. */
export function loadConfig<S extends z.ZodObject>(
  env: Record<string, string | undefined>,
  schema: S = configSchema as unknown as S,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
}
