// Tickets for the operator-queries stage: millions of rows of the default spec's table, generated inside PostgreSQL
// in chunks (INSERT ... SELECT over generate_series), so 10 million load in minutes. Leaner than ticketData.ts (bodies
// of a few hundred bytes, no extra columns): what `status` and `plan` cost depends on the number of rows and on the
// spread of their ages, not on their width. Deterministic in the row number, so every size holds the same mix. Each
// size gets a database of its own on the stack's server.
import pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import { applyDemoSchema } from '../../infra/local/demo/businessSchema.ts';
import { migrate } from '../../services/edges/hotStore/index.ts';
import { createTextPool } from '../../services/edges/hotStore/pool.ts';
import { envOnDatabase } from '../support/databaseEnv.ts';
import { defaultSpec } from '../support/specs.ts';
import { PHRASES } from './ticketData.ts';

const CHUNK = 100_000;

/** Days over which the cold tickets' last operations spread: `plan` asks one question per month of them. */
export const COLD_SPREAD_DAYS = 3 * 365;

/**
 * Inserts tickets `from`..`to` (ids). Of each 100, by a hash of the id: 70 closed and cold (last operated between
 * COLD_AFTER plus an hour and three years before that), 10 closed within COLD_AFTER (cold later: `plan`'s days), 10
 * unassigned and 10 in progress (operated within 30 days).
 */
export async function insertTickets(
  db: pg.Pool,
  range: { from: number; to: number },
  coldAfterMs: number,
  log: (m: string) => void,
): Promise<void> {
  for (let start = range.from; start <= range.to; start += CHUNK) {
    const end = Math.min(range.to, start + CHUNK - 1);
    await db.query(
      `WITH r AS (
         SELECT g, hashint8extended(g, 11) & 2147483647 AS h,
                (hashint8extended(g, 12) & 2147483647)::float8 / 2147483648 AS u,
                (hashint8extended(g, 13) & 2147483647)::float8 / 2147483648 AS v
           FROM generate_series($1::bigint, $2::bigint) g),
       a AS (
         SELECT r.*,
                CASE WHEN h % 100 < 70 THEN now() - $3 * interval '1 millisecond' - interval '1 hour' - u * $4 * interval '1 day'
                     WHEN h % 100 < 80 THEN now() - u * $3 * interval '1 millisecond'
                     ELSE now() - u * interval '30 days' END AS operated
           FROM r)
       INSERT INTO public.tickets (id, customer_id, status, subject, body, created_at, last_operated_at,
                                   last_operator_id, last_operator_group_id)
       SELECT g, 100000 + h % 500000,
              CASE WHEN h % 100 < 80 THEN 'closed' WHEN h % 2 = 0 THEN 'unassigned' ELSE 'in_progress' END,
              ($5::text[])[1 + h % 16] || ' #' || g,
              repeat(($5::text[])[1 + (h / 16) % 16] || ' ', 1 + ((h / 256) % 6)::int) || substr(md5(g::text), 1, 16),
              operated - v * interval '30 days',
              operated,
              h % 2000, h % 60
         FROM a`,
      [start, end, coldAfterMs, COLD_SPREAD_DAYS, PHRASES],
    );
    if ((end - range.from + 1) % 1_000_000 === 0 || end === range.to) log(`inserted tickets up to ${end}`);
  }
  await db.query(`SELECT setval(pg_get_serial_sequence('public.tickets', 'id'), $1)`, [range.to]);
}

/**
 * What autovacuum does after a bulk insert, done at once so it does not run into the measurements: VACUUM (the
 * visibility map, which index-only scans read) and ANALYZE (the planner's statistics, which the estimates are), then a
 * checkpoint (superuser) so the load's dirty pages are not written during them.
 */
export async function settle(db: pg.Pool, superuser: pg.Pool): Promise<{ seconds: number; tableBytes: number }> {
  const began = performance.now();
  await db.query('VACUUM (ANALYZE) public.tickets');
  await superuser.query('CHECKPOINT');
  const { rows } = await db.query<{ bytes: string }>(`SELECT pg_total_relation_size('public.tickets')::text AS bytes`);
  return { seconds: (performance.now() - began) / 1000, tableBytes: Number(rows[0]?.bytes ?? 0) };
}

export interface SizedDatabase {
  tickets: number;
  /** The stack's settings, pointed at this size's database. */
  env: StackEnv;
  tableBytes: number;
  loadSeconds: number;
  settleSeconds: number;
}

/**
 * A database of its own on the stack's server holding `tickets` tickets, prepared as the stack prepares its own (the
 * help desk's table created by its owner, then `migrate`). One per size, so that every size can be asked in turn.
 */
export async function sizedDatabase(
  env: StackEnv,
  superuser: pg.Pool,
  tickets: number,
  coldAfterMs: number,
  log: (m: string) => void,
): Promise<SizedDatabase> {
  const database = `bench_tickets_${tickets}`;
  await superuser.query(`DROP DATABASE IF EXISTS ${database}`);
  await superuser.query(`CREATE DATABASE ${database} OWNER ticket_archiver`);
  const sized = envOnDatabase(env, database);
  await applyDemoSchema(sized.MIGRATIONS_DATABASE_URL);
  await migrate(sized.MIGRATIONS_DATABASE_URL, defaultSpec);
  const owner = createTextPool(sized.MIGRATIONS_DATABASE_URL, 'bench-operator-queries', 2, () => undefined);
  const su = new pg.Pool({ connectionString: sized.STACK_PG_SUPERUSER_URL, max: 1 });
  try {
    log(`loading ${tickets} tickets into database ${database}`);
    const began = performance.now();
    await insertTickets(owner, { from: 1, to: tickets }, coldAfterMs, log);
    const loadSeconds = (performance.now() - began) / 1000;
    const settled = await settle(owner, su);
    log(
      `${tickets} tickets, ${Math.round(settled.tableBytes / 2 ** 20)} MiB with indexes; loaded in ${loadSeconds.toFixed(0)} s, vacuumed and analyzed in ${settled.seconds.toFixed(0)} s`,
    );
    return { tickets, env: sized, tableBytes: settled.tableBytes, loadSeconds, settleSeconds: settled.seconds };
  } finally {
    await owner.end().catch(() => undefined);
    await su.end().catch(() => undefined);
  }
}
