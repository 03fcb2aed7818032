// Settings from environment variables, validated once at start: the catalogue of settings the commands share, and the
// ones every mover (archiver, reconciler, backfill) moves by. Each setting is described where it is declared: the
// description is what `--help` prints (cli/settingsHelp.ts). Each bad value is reported with the variable's name and
// what is expected, so a misconfigured pod fails at once and says why. The caller hands in the environment.
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { bool, brokers, duration, postgresUrl, url, wholeNumber } from './settingTypes.ts';

export { bool, duration, postgresUrl, url, wholeNumber } from './settingTypes.ts';

export const configSchema = z.object({
  DATABASE_URL: postgresUrl().describe('the hot PostgreSQL database (postgres://user:password@host:5432/tickets)'),
  KAFKA_BROKERS: brokers().describe('Kafka bootstrap brokers, host:port[,host:port...]'),
  KAFKA_SECURITY_PROTOCOL: z
    .enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'])
    .default('PLAINTEXT')
    .describe("Kafka's security.protocol (a Strimzi listener with TLS and scram-sha-512 is SASL_SSL)"),
  KAFKA_SSL_CA_FILE: z
    .string()
    .min(1)
    .optional()
    .describe("PEM file of the CA that signed the brokers' certificates (default: the system's CAs)"),
  KAFKA_SASL_MECHANISM: z
    .enum(['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'])
    .default('SCRAM-SHA-512')
    .describe('SASL mechanism, with a SASL_* protocol'),
  KAFKA_SASL_USERNAME: z.string().min(1).optional().describe('SASL user, with a SASL_* protocol'),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional().describe('SASL password, with a SASL_* protocol'),
  MONGODB_URL: url(['mongodb:', 'mongodb+srv:'], 'mongodb://host:27017/').describe(
    'the MongoDB-compatible cold store (its database: COLD_DATABASE)',
  ),
  COLD_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'expected a MongoDB database name (letters, digits, _ and -)')
    .default('ticket_archive')
    .describe("the cold store's database that holds the archive (one per archived table)"),
  KAFKA_CONNECT_URL: url(['http:', 'https:'], 'http://host:8083')
    .optional()
    .describe("Kafka Connect's REST API, to check the Debezium connector (unset: not checked)"),
  ARCHIVE_SPEC: z
    .string()
    .min(1)
    .optional()
    .describe("the archive spec (YAML or JSON): what is archived and when (default: the brief's table)"),
  TICKETS_TOPIC: z
    .string()
    .min(1)
    .optional()
    .describe("Debezium's topic of the table's change events (default: ticketdb.<schema>.<table> of the spec)"),
  COLD_AFTER: duration('30d').describe(
    "how long a ticket in the cold state (the spec's cold condition) stays hot after its last activity",
  ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('JSON log level'),
});

/** Settings of the commands that write, and of those that run until stopped. */
export const commandSchema = z.object({
  DRY_RUN: bool(false).describe('decide and report what would be done; write nothing and commit nothing'),
  SHUTDOWN_TIMEOUT: duration('30s').describe('after SIGTERM or SIGINT, exit 1 if stopping takes longer than this'),
  ARCHIVER_GROUP_ID: z
    .string()
    .min(1)
    .default('ticket-archiver')
    .describe("the archiver's consumer group; its timers are filed under it"),
});

/** What every mover moves by: one declaration, so archiver, reconciler and backfill can never disagree. */
export const moverSchema = configSchema.omit({ KAFKA_CONNECT_URL: true }).extend({
  ARCHIVER_GROUP_ID: commandSchema.shape.ARCHIVER_GROUP_ID,
  DRY_RUN: commandSchema.shape.DRY_RUN,
  SHUTDOWN_TIMEOUT: commandSchema.shape.SHUTDOWN_TIMEOUT,
  ARCHIVE_BATCH_SIZE: wholeNumber(500, 1, 10_000, 'a whole number of tickets per move').describe(
    'tickets per move: one re-read, one bulk copy, one delete statement',
  ),
  FRESHNESS_TARGET: duration('10s').describe(
    'a ticket cold by time alone is archived at most this long after it is due',
  ),
  DELETE_LOCK_TIMEOUT: duration('200ms').describe(
    'how long a delete may wait for a row lock before the row is left for the reconciler',
  ),
  THROTTLE: bool(true).describe('slow down, then pause, moves while the hot database is past the bounds below'),
  THROTTLE_PROBE_LATENCY: duration('10ms').describe(
    'bound: a primary-key read of the archived table (median of three)',
  ),
  THROTTLE_COMMIT_SLOWDOWN: z.coerce
    .number({ error: 'expected a ratio such as 1.2, or 0 for none' })
    .refine((r) => r === 0 || (r >= 1 && r <= 100), 'expected 0 (none) or a ratio from 1 to 100')
    .default(0)
    .describe(
      "bound: commits' p90 over their p90 in quiet windows (commits that wait for their WAL flush, timed; moves pause for the windows); 0: not timed",
    ),
  THROTTLE_COMMIT_FLOOR: duration('2ms').describe(
    'a quiet commit p90 below this counts as this: a slowdown within it is noise a business request does not feel',
  ),
  THROTTLE_BASELINE_EVERY: duration('5m').describe(
    "with THROTTLE_COMMIT_SLOWDOWN: moves pause every this long, at the same wall-clock moments in every instance, to time commits' quiet baseline",
  ),
  THROTTLE_BASELINE_WINDOW: duration('4s').describe(
    'how long each pause for the quiet baseline lasts (at most half of THROTTLE_BASELINE_EVERY)',
  ),
  THROTTLE_LOCK_WAITS: wholeNumber(5, 1, 100_000, 'a whole number of sessions waiting for locks').describe(
    'bound: sessions waiting for locks in the hot database',
  ),
  THROTTLE_REPLICA_LAG: duration('10s').describe("bound: the slowest physical replica's replay lag"),
  THROTTLE_MIN_RATE: wholeNumber(20, 1, 1_000_000, 'a whole number of moves per second').describe(
    'moves per second: the slowest rate kept while slowed, and the step it grows by',
  ),
  THROTTLE_INTERVAL: duration('1s').describe("how often the throttle reads the hot database's health"),
  HISTORY_RETENTION: duration('400d').describe('how long the per-minute progress samples (history) are kept'),
});

export type Config = z.infer<typeof configSchema>;

/** Settings with the tickets topic resolved: TICKETS_TOPIC, else the topic the connector gives the spec's table. */
export type Topic<S> = Omit<S, 'TICKETS_TOPIC'> & { TICKETS_TOPIC: string };
export type MoverSettings = z.infer<typeof moverSchema>;

/** The jobs that run under a role of their own (infra/postgres/migrations/grants.sql) read its URL from their own
 * variable when it is set: one environment can then serve every job, each connecting as itself. */
export const jobDatabaseUrls = {
  MIGRATIONS_DATABASE_URL: postgresUrl()
    .optional()
    .describe("the schema owner's role, for migrations (instead of DATABASE_URL)"),
  RESTORE_DATABASE_URL: postgresUrl().optional().describe("restore's role (instead of DATABASE_URL)"),
  READ_DATABASE_URL: postgresUrl().optional().describe("the read API's read-only role (instead of DATABASE_URL)"),
};
export type JobDatabaseUrl = keyof typeof jobDatabaseUrls;

export function withJobDatabaseUrl(
  env: Record<string, string | undefined>,
  variable: JobDatabaseUrl,
): Record<string, string | undefined> {
  const own = env[variable];
  return own ? { ...env, DATABASE_URL: own } : env;
}

/** Reads only the variables the schema knows; throws ConfigError listing every bad one. */
export function loadConfig(env: Record<string, string | undefined>): Config;
export function loadConfig<S extends z.ZodType>(env: Record<string, string | undefined>, schema: S): z.infer<S>;
export function loadConfig(env: Record<string, string | undefined>, schema: z.ZodType = configSchema): unknown {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
}
