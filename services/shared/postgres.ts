// The hot store's connection pool. Every session names itself, so an operator sees who holds a lock.
import pg from 'pg';

export function createPool(databaseUrl: string, applicationName: string, max = 10): pg.Pool {
  return new pg.Pool({
    connectionString: databaseUrl,
    application_name: applicationName,
    max,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
}
