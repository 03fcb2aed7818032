// The stack's settings pointed at another database on the same PostgreSQL server: a help desk's own database, or a
// benchmark size's. Every PostgreSQL URL moves; everything else stays.
import type { StackEnv } from '../../infra/local/stack.ts';

/** `url`'s server, role and options, on another database. */
export function onDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The stack's environment with every PostgreSQL URL on `database`. */
export function envOnDatabase(env: StackEnv, database: string): StackEnv {
  return {
    ...env,
    DATABASE_URL: onDatabase(env.DATABASE_URL, database),
    MIGRATIONS_DATABASE_URL: onDatabase(env.MIGRATIONS_DATABASE_URL, database),
    RESTORE_DATABASE_URL: onDatabase(env.RESTORE_DATABASE_URL, database),
    READ_DATABASE_URL: onDatabase(env.READ_DATABASE_URL, database),
    STACK_PG_SUPERUSER_URL: onDatabase(env.STACK_PG_SUPERUSER_URL, database),
  };
}
