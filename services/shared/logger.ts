// Structured JSON logs (pino). Wherever a ticket is concerned, log with ticketLog() so id and version are fields.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime });
}

export function ticketLog(log: Logger, ticket: { id: string | number | bigint; version?: string | number | bigint }): Logger {
  return log.child({ ticketId: String(ticket.id), ...(ticket.version === undefined ? {} : { ticketVersion: String(ticket.version) }) });
}
