// Integration tests run against the real local stack, started here when it is not running.
// With TICKET_ARCHIVER_EXTERNAL_STACK=1 they use DATABASE_URL, KAFKA_BROKERS, MONGODB_URL and KAFKA_CONNECT_URL
// from the environment instead (servers you run yourself); a missing variable fails the test loudly.
import { after, before } from 'node:test';
import pg from 'pg';
import { stackUp, type StackEnv } from '../../infra/local/stack.ts';

let started: Promise<StackEnv> | undefined;

export function ensureStack(): Promise<StackEnv> {
  if (process.env.TICKET_ARCHIVER_EXTERNAL_STACK === '1') {
    const need = (name: string) => {
      const value = process.env[name];
      if (!value) throw new Error(`TICKET_ARCHIVER_EXTERNAL_STACK=1 but ${name} is not set`);
      return value;
    };
    return Promise.resolve({
      DATABASE_URL: need('DATABASE_URL'),
      // One role for every job when the servers are yours and you name no other.
      MIGRATIONS_DATABASE_URL: process.env.MIGRATIONS_DATABASE_URL ?? need('DATABASE_URL'),
      RESTORE_DATABASE_URL: process.env.RESTORE_DATABASE_URL ?? need('DATABASE_URL'),
      READ_DATABASE_URL: process.env.READ_DATABASE_URL ?? need('DATABASE_URL'),
      KAFKA_BROKERS: need('KAFKA_BROKERS'),
      KAFKA_CONNECT_URL: need('KAFKA_CONNECT_URL'),
      MONGODB_URL: need('MONGODB_URL'),
      TICKETS_TOPIC: process.env.TICKETS_TOPIC ?? 'ticketdb.public.tickets',
      STACK_PG_SUPERUSER_URL: need('STACK_PG_SUPERUSER_URL'),
    });
  }
  started ??= stackUp((m) => process.stderr.write(`[stack] ${m}\n`));
  return started;
}

/** The stack and one connection to the hot database, opened before a file's tests and closed after them. */
export function useStackDatabase(): { readonly env: StackEnv; readonly db: pg.Client } {
  const ctx = {} as { env: StackEnv; db: pg.Client };
  before(async () => {
    ctx.env = await ensureStack();
    // The schema owner's role: tests write tickets and change the table as business code and DBAs would.
    ctx.db = new pg.Client({ connectionString: ctx.env.MIGRATIONS_DATABASE_URL });
    await ctx.db.connect();
  });
  after(async () => ctx.db?.end());
  return ctx;
}
