// The hot database's connections: a pool whose every column arrives as PostgreSQL's exact text output, read with
// fixed session settings, and the translation of pg's failures into the product's errors (retriable or not).
import pg from 'pg';
import { StoreRefusedError, StoreUnavailableError, TicketArchiverError } from '../../core/errors.ts';
import { classifyFailure } from '../../core/failureClass.ts';

// Fixed output formats: the text of a row must not depend on server or role defaults, or content hashes and
// restores would differ between sessions. extra_float_digits=1 selects the shortest exact float output.
const SESSION_OPTIONS = [
  '-c TimeZone=UTC',
  '-c DateStyle=ISO,YMD',
  '-c IntervalStyle=iso_8601',
  '-c extra_float_digits=1',
  '-c bytea_output=hex',
].join(' ');

// Every column arrives as PostgreSQL's text output, never parsed into a lossy JS value.
const rawText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/**
 * A pool whose connections read every column as exact text. A connection the server closes while idle (a restart,
 * a failover, an administrator's pg_terminate_backend) is dropped by the pool and reported to `onIdleError`; the next
 * query opens a new one. (Without a listener, pg's 'error' event would end the process.)
 */
export function createTextPool(
  databaseUrl: string,
  applicationName: string,
  max: number,
  onIdleError: (err: Error) => void,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    application_name: applicationName,
    options: SESSION_OPTIONS,
    types: rawText,
    max,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', onIdleError);
  // A client checked out of the pool has no listener of the pool's (pg-pool removes it on checkout), and when the
  // server ends the session between two queries of a transaction (a restart: 57P01) pg emits 'error' on the client:
  // unheard, it ends the process. The client's queries fail as well, which is what its user handles.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** pg's failure as the product's error: transient (a lock, a timeout, a lost connection) or refused for good. */
export function hotStoreError(err: unknown, doing: string): Error {
  if (err instanceof TicketArchiverError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const original = typeof e.message === 'string' ? e.message : String(err);
  const message = `PostgreSQL, ${doing}: ${original}`;
  return classifyFailure(code, original) === 'transient'
    ? new StoreUnavailableError('postgres', message, code, err)
    : new StoreRefusedError('postgres', message, code, err);
}

/** Runs `work`, turning what pg throws into the product's errors. */
export async function guarded<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw hotStoreError(err, doing);
  }
}
