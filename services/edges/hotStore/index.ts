// The hot PostgreSQL database, the only place pg is used. Its surfaces are shaped by job, as the roles are
// (infra/postgres/migrations/grants.sql): the movers and operators' commands (ticket_archiver_mover), restore
// (ticket_archiver_restorer) and the read API (ticket_archiver_reader) each open the one they need. Only the movers'
// applies the cold rule, so only it takes COLD_AFTER. Callers get these surfaces, never the pool.
import type pg from 'pg';
import { StoreUnavailableError } from '../../core/errors.ts';
import { HotCensus } from './census.ts';
import { ClosedTickets } from './closedTickets.ts';
import { HotHealth } from './health.ts';
import { HotTickets } from './hotTickets.ts';
import { HotInspection } from './inspection.ts';
import { HotLedger } from './ledger.ts';
import { HotLookup } from './lookup.ts';
import { createTextPool, guarded } from './pool.ts';
import { HotRestores } from './restores.ts';
import { HotTicketReads } from './ticketReads.ts';

export type { HotTickets } from './hotTickets.ts';
export type { HotHealth } from './health.ts';
export type { HotLookup, HotPresence } from './lookup.ts';
export type { ClosedTickets, ClosedTicket, IndexPosition } from './closedTickets.ts';
export type { HotInspection, MoveCounts, QueryCost, SlotState } from './inspection.ts';
export { hotListQuery, type HotTicketReads, type HotRows } from './ticketReads.ts';
export { planAnswers, type PlanAnswers } from './planQueries.ts';
export {
  grantsSql,
  migrate,
  loadMigrations,
  pendingMigrations,
  splitStatements,
  type Migration,
} from './migrations.ts';

export interface HotConnection {
  databaseUrl: string;
  applicationName: string;
  poolSize: number;
  /** The setting the URL came from, named when the database cannot be reached (DATABASE_URL by default). */
  setting?: string;
  /** Told about idle connections the server closed (the pool replaces them). */
  onIdleError?: (err: Error) => void;
}

interface Opened {
  lookup: HotLookup;
  /** Answers when the database does; throws the product's error naming the cause otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The movers' and operators' database (ticket_archiver_mover). */
export interface MoverHotStore extends Opened {
  /** The move's port, applying the cold rule with COLD_AFTER. */
  tickets(coldAfterMs: number): HotTickets;
  /** Searches of the partial index on closed tickets (backfill, sweep). */
  closed: ClosedTickets;
  census: HotCensus;
  /** The database's health as business code sees it, on a connection of its own (the throttle's readings). */
  health: HotHealth;
  /** Operators' questions: slot, backlog, recent moves, query costs. */
  inspection: HotInspection;
  /** Restored tickets, pruning. */
  ledger: HotLedger;
}

/** restore's database (ticket_archiver_restorer). */
export interface RestorerHotStore extends Opened {
  restores: HotRestores;
}

/** The read API's database (ticket_archiver_reader). */
export interface ReaderHotStore extends Opened {
  reads: HotTicketReads;
}

async function openPool(o: HotConnection): Promise<{ pool: pg.Pool; opened: Opened }> {
  const pool = createTextPool(o.databaseUrl, o.applicationName, o.poolSize, o.onIdleError ?? (() => undefined));
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end();
    const code = (err as { code?: string }).code;
    const setting = o.setting ?? 'DATABASE_URL';
    throw new StoreUnavailableError(
      'postgres',
      `PostgreSQL (${setting}) is unreachable: ${(err as Error).message}`,
      code,
      err,
    );
  }
  const opened: Opened = {
    lookup: new HotLookup(pool),
    ping: () => guarded('answering a ping', async () => void (await pool.query('SELECT 1'))),
    close: () => pool.end().catch(() => undefined),
  };
  return { pool, opened };
}

export async function openMoverHotStore(o: HotConnection): Promise<MoverHotStore> {
  const { pool, opened } = await openPool(o);
  const health = new HotHealth(o.databaseUrl, `${o.applicationName}/health`);
  return {
    ...opened,
    tickets: (coldAfterMs) => new HotTickets(pool, coldAfterMs),
    closed: new ClosedTickets(pool),
    census: new HotCensus(pool),
    health,
    inspection: new HotInspection(pool),
    ledger: new HotLedger(pool),
    async close() {
      await health.close();
      await opened.close();
    },
  };
}

export async function openRestorerHotStore(o: HotConnection): Promise<RestorerHotStore> {
  const { pool, opened } = await openPool(o);
  return { ...opened, restores: new HotRestores(pool) };
}

export async function openReaderHotStore(o: HotConnection): Promise<ReaderHotStore> {
  const { pool, opened } = await openPool(o);
  return { ...opened, reads: new HotTicketReads(pool) };
}
