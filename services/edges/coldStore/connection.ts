// The connection to the MongoDB-compatible cold store (database ticket_archive), with the write and read concerns an
// archive needs, and the translation of the driver's failures into the product's errors (retriable or not).
import { MongoClient, MongoError, MongoServerError, type Db } from 'mongodb';
import { StoreRefusedError, StoreUnavailableError, TicketArchiverError } from '../../core/errors.ts';

export interface ColdConnection {
  db: Db;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function connectColdStore(
  url: string,
  options: { timeoutMs?: number; database?: string } = {},
): Promise<ColdConnection> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    // An archived copy counts only once a majority of replicas has it (a no-op on a single server).
    writeConcern: { w: 'majority', journal: true },
    readConcern: { level: 'majority' },
    retryWrites: true,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new StoreUnavailableError(
      'cold store',
      `cold store at ${redact(url)} is unreachable: ${(err as Error).message}`,
      undefined,
      err,
    );
  }
  return {
    db: client.db(options.database ?? 'ticket_archive'),
    ping: () => guardedCold('answering a ping', async () => void (await client.db('admin').command({ ping: 1 }))),
    close: () => client.close(),
  };
}

/** A URL fit for logs and error messages: the password is replaced. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

// Server answers that pass: a restart, a failover, a timeout, a write conflict, a full disk (OutOfDiskSpace, 14031:
// cured when space is freed, so the move waits rather than giving the ticket up). FerretDB reports a failure of its
// PostgreSQL backend, a full tablespace included, as InternalError (1).
const TRANSIENT_CODES = new Set([
  1, 6, 7, 24, 46, 50, 64, 89, 91, 112, 134, 189, 251, 262, 9001, 10107, 11600, 11602, 13435, 13436, 14031,
]);

/** The server's answer to an insert whose key is taken (MongoDB and FerretDB alike). */
export const DUPLICATE_KEY = 11000;

/** The driver's failure as the product's error: transient (unreachable, failing over) or refused for good. */
export function coldStoreError(err: unknown, doing: string): Error {
  if (err instanceof TicketArchiverError) return err;
  const message = `cold store, ${doing}: ${(err as Error)?.message ?? String(err)}`;
  if (
    err instanceof MongoServerError &&
    typeof err.code === 'number' &&
    !TRANSIENT_CODES.has(err.code) &&
    !err.hasErrorLabel('RetryableWriteError')
  ) {
    return new StoreRefusedError('cold store', message, String(err.code), err);
  }
  const code = err instanceof MongoError && err.code !== undefined ? String(err.code) : undefined;
  return new StoreUnavailableError('cold store', message, code, err);
}

/** Runs `work`, turning what the driver throws into the product's errors. */
export async function guardedCold<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw coldStoreError(err, doing);
  }
}
