// Service configuration from environment variables, validated once at start. Each bad value is reported
// with the variable's name and what is expected, so a misconfigured pod fails at once and says why.
import { z } from 'zod';
import { DURATION_FORMAT, parseDuration } from './duration.ts';

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
    .refine((text) => {
      try {
        return protocols.includes(new URL(text).protocol);
      } catch {
        return false;
      }
    }, `expected a ${protocols.join(' or ')} URL such as ${example}`);

const brokers = z
  .string({ error: 'required: a comma-separated list of host:port, e.g. 127.0.0.1:9092' })
  .transform((text) => text.split(',').map((b) => b.trim()).filter(Boolean))
  .refine(
    (list) => list.length > 0 && list.every((b) => /^[A-Za-z0-9._-]+:\d{1,5}$/.test(b) || /^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(b)),
    'expected a comma-separated list of host:port, e.g. 127.0.0.1:9092',
  );

export const configSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/tickets'),
  KAFKA_BROKERS: brokers,
  MONGODB_URL: url(['mongodb:', 'mongodb+srv:'], 'mongodb://host:27017/'),
  KAFKA_CONNECT_URL: url(['http:', 'https:'], 'http://host:8083').optional(),
  TICKETS_TOPIC: z.string().min(1).default('ticketdb.public.tickets'),
  COLD_AFTER: duration('30d'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** Reads only the variables the schema knows; throws ConfigError listing every bad one. */
export function loadConfig<S extends z.ZodObject>(env: NodeJS.ProcessEnv = process.env, schema: S = configSchema as unknown as S): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
}
