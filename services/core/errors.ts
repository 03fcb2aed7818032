// Every error the product throws, after kafkajs's errors module: each says whether doing the same work again can
// cure it. Retry loops consult `isRetriable`: a retriable error is retried with backoff (the work waits, lag grows,
// nothing is skipped); one that retrying cannot cure never loops: the tickets it concerns become stuck records with
// the reason (a message becomes a dead letter) and the partition moves on.

export class TicketArchiverError extends Error {
  override name = 'TicketArchiverError';
  readonly retriable: boolean;
  constructor(message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retriable = options.retriable;
  }
}

export type StoreName = 'postgres' | 'cold store' | 'kafka' | 'kafka connect';

/** A server could not be reached, or failed in a way that passes (a lock, a timeout, a restart, a failover). */
export class StoreUnavailableError extends TicketArchiverError {
  override name = 'StoreUnavailableError';
  constructor(
    readonly store: StoreName,
    message: string,
    readonly code?: string,
    cause?: unknown,
  ) {
    super(message, { retriable: true, cause });
  }
}

/** A server refused the work for a reason that asking again cannot change (a missing privilege, a missing table, a
 * value it cannot hold). `code` is the server's own (a SQLSTATE, a MongoDB error code). */
export class StoreRefusedError extends TicketArchiverError {
  override name = 'StoreRefusedError';
  constructor(
    readonly store: StoreName,
    message: string,
    readonly code?: string,
    cause?: unknown,
  ) {
    super(message, { retriable: false, cause });
  }
}

/** A setting is missing or invalid; `problems` names each variable and what is expected. */
export class ConfigError extends TicketArchiverError {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`, { retriable: false });
  }
}

/** A message of the tickets topic that is not a ticket change event we can act on: dead-lettered. */
export class MalformedEventError extends TicketArchiverError {
  override name = 'MalformedEventError';
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/** A hot row that cannot be turned into a cold document (or a cold document into a row) as it is. */
export class RowShapeError extends TicketArchiverError {
  override name = 'RowShapeError';
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/** The table gained, lost or retyped a column after the rows were copied: copying again in the new shape cures it. */
export class TableShapeChangedError extends TicketArchiverError {
  override name = 'TableShapeChangedError';
  constructor(message: string) {
    super(message, { retriable: true });
  }
}

/** A restore that cannot be done as asked (no archive, the ticket is hot). */
export class RestoreError extends TicketArchiverError {
  override name = 'RestoreError';
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/** The live database does not fit the archive spec or the product's needs: every misfit, named; nothing was changed.
 * Retrying cannot cure it until an operator acts. */
export class SpecMisfitError extends TicketArchiverError {
  override name = 'SpecMisfitError';
  constructor(readonly misfits: string[]) {
    super(
      `the database does not fit the archive spec; nothing was changed:\n${misfits.map((m) => `  - ${m}`).join('\n')}`,
      {
        retriable: false,
      },
    );
  }
}

export class MigrationError extends TicketArchiverError {
  override name = 'MigrationError';
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
}

/** Thrown by a retry loop told to stop (shutting down, partition revoked): the work is left for whoever comes next. */
export class RetryAbandonedError extends TicketArchiverError {
  override name = 'RetryAbandonedError';
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: true, cause });
  }
}

/**
 * Whether doing the same work again can cure `err`. The product's own errors say so themselves; JavaScript's own
 * (a TypeError from an unforeseen value) recur on every attempt; anything else (an unclassified library failure) is
 * taken as transient: retried with backoff, visible in metrics and logs, never skipped silently.
 */
export function isRetriable(err: unknown): boolean {
  if (err instanceof TicketArchiverError) return err.retriable;
  if (
    err instanceof TypeError ||
    err instanceof RangeError ||
    err instanceof SyntaxError ||
    err instanceof ReferenceError
  )
    return false;
  return true;
}

/** The server's or the product's code for an error, for stuck records and logs. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : typeof code === 'number' ? String(code) : undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A backfill's saved plan does not fit this process (counted for another number of processes, or never saved whole):
 * working it anyway could leave slices to no one. Retrying cannot cure it; the message says what can. */
export class BackfillPlanError extends TicketArchiverError {
  override name = 'BackfillPlanError';
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/** How a command exits on an error retrying cannot cure (`retriable` false): a Kubernetes Job's podFailurePolicy
 * fails at once on it instead of starting pods that would fail alike. */
export const EXIT_CANNOT_RETRY = 3;
