// Structured JSON logs (pino). Wherever a ticket is concerned, its id and version go in the fields ticketId and
// ticketVersion. Services that run until stopped log to stdout; a command whose stdout carries its result (a summary,
// --json) logs to stderr, or through `write` (above a progress bar).
import { pino, type Logger } from 'pino';

export type { Logger };

export type LogDestination = 'stdout' | 'stderr' | { write(line: string): void };

export function createLogger(name: string, level: string = 'info', to: LogDestination = 'stdout'): Logger {
  // Synchronous, as pino's default: a command that exits right after its last line must not lose it.
  const destination = typeof to === 'string' ? pino.destination({ dest: to === 'stdout' ? 1 : 2, sync: true }) : to;
  return pino({ name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
