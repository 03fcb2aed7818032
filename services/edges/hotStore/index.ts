// The hot PostgreSQL database, the only place pg is used: tickets as moves see them, restores, the census `verify`
// takes, and the schema's migrations. Callers get these surfaces, never the pool.
import { StoreUnavailableError } from '../../core/errors.ts';
import { BackfillPages } from './backfillPages.ts';
import { HotCensus } from './census.ts';
import { HotHealth } from './health.ts';
import { HotInspection } from './inspection.ts';
import { LedgerPruning } from './ledgerPruning.ts';
import { HotTickets } from './hotTickets.ts';
import { createTextPool, guarded } from './pool.ts';
import { HotRestores } from './restores.ts';
import { HotTicketReads } from './ticketReads.ts';

export { HotTickets, type SweepPosition } from './hotTickets.ts';
export type { HotHealth } from './health.ts';
export type { BackfillPages, ClosedTicket, IndexPosition } from './backfillPages.ts';
export type { HotInspection, MoveCounts, QueryCost, SlotState } from './inspection.ts';
export { hotListQuery, type HotTicketReads, type HotRows } from './ticketReads.ts';
export { planAnswers, type PlanAnswers } from './planQueries.ts';
export { migrate, loadMigrations, pendingMigrations, splitStatements, type Migration } from './migrations.ts';

export interface HotStore {
  tickets: HotTickets;
  restores: HotRestores;
  census: HotCensus;
  /** The database's health as business code sees it, on a connection of its own (the throttle's readings). */
  health: HotHealth;
  /** Pages of the partial index on closed tickets, for a backfill. */
  backfill: BackfillPages;
  /** Operators' questions: slot, backlog, recent moves, query costs. */
  inspection: HotInspection;
  ledger: LedgerPruning;
  /** The read API's: a ticket, a page of a list, the ledger's word on an archived ticket. */
  reads: HotTicketReads;
  /** Answers when the database does; throws the product's error naming the cause otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openHotStore(o: {
  databaseUrl: string;
  applicationName: string;
  coldAfterMs: number;
  poolSize: number;
  /** Told about idle connections the server closed (the pool replaces them). */
  onIdleError?: (err: Error) => void;
}): Promise<HotStore> {
  const pool = createTextPool(o.databaseUrl, o.applicationName, o.poolSize, o.onIdleError ?? (() => undefined));
  const ping = () => guarded('answering a ping', async () => void (await pool.query('SELECT 1')));
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end();
    throw new StoreUnavailableError(
      'postgres',
      `PostgreSQL (DATABASE_URL) is unreachable: ${(err as Error).message}`,
      (err as { code?: string }).code,
      err,
    );
  }
  const health = new HotHealth(o.databaseUrl, `${o.applicationName}/health`);
  return {
    tickets: new HotTickets(pool, o.coldAfterMs),
    restores: new HotRestores(pool),
    census: new HotCensus(pool),
    health,
    backfill: new BackfillPages(pool),
    inspection: new HotInspection(pool, o.coldAfterMs),
    ledger: new LedgerPruning(pool),
    reads: new HotTicketReads(pool),
    ping,
    async close() {
      await health.close();
      await pool.end().catch(() => undefined);
    },
  };
}
