// The kinds of value a setting can hold, each parsed once with a message that says what is expected: durations
// (`30d`), whole numbers within bounds, URLs of given schemes, booleans, broker lists.
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

export const postgresUrl = () => url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/tickets');

export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const brokers = () =>
  z
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
