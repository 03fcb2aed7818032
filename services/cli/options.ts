// Command-line argument parsers: a bad argument is named by commander with what is expected, before anything runs.
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../core/duration.ts';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** A ticket id: a whole number within PostgreSQL's bigint range, kept as text. */
export function ticketId(value: string): string {
  if (!/^-?\d{1,19}$/.test(value) || BigInt(value) > 9223372036854775807n || BigInt(value) < -9223372036854775808n) {
    throw new InvalidArgumentError('expected a ticket id (a whole number within bigint range)');
  }
  return value;
}

/** A duration such as 1h, in milliseconds. */
export function durationMs(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('expected a duration such as 30m, 1h or 2d');
  return ms;
}

/** A share of something in percent, above 0 and at most 100. */
export function percent(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 100)
    throw new InvalidArgumentError('expected a percentage above 0 and at most 100');
  return n;
}
