// The hot PostgreSQL database, the only place pg is used. Its surfaces are shaped by job, as the roles are (grants):
// the movers and operators' commands (ticket_archiver_mover), restore (ticket_archiver_restorer) and the read API
// (ticket_archiver_reader) each open the one they need. Every opener checks the database against the archive spec
// first (migrations.ts) and refuses a misfit, or a database migrate has not prepared, naming each problem. Only the
// movers' surface applies COLD_AFTER. Callers get these surfaces, never the pool.
import type pg from 'pg';
import { SpecMisfitError, StoreUnavailableError } from '../../core/errors.ts';
import type { ArchiveSpec } from '../../core/spec/archiveSpec.ts';
import { HotCensus } from './census.ts';
import { ClosedTickets } from './closedTickets.ts';
import { HotHealth } from './health.ts';
import { HotTickets } from './hotTickets.ts';
import { HotInspection } from './inspection.ts';
import { HotLedger } from './ledger.ts';
import { HotLookup } from './lookup.ts';
import { checkDatabase, notReady } from './migrations.ts';
import { createTextPool, guarded, hotStoreError } from './pool.ts';
import { HotRestores } from './restores.ts';
import { TableSql } from './tableSql.ts';
import { HotTicketReads } from './ticketReads.ts';

export type { HotTickets } from './hotTickets.ts';
export type { HotHealth } from './health.ts';
export type { HotLookup, HotPresence } from './lookup.ts';
export type { ClosedTickets, ClosedTicket, IndexPosition } from './closedTickets.ts';
export type { Backlog, HotInspection, MinuteMoves, MoveCounts, QueryCost, SlotState } from './inspection.ts';
export { moveCountsOf } from './inspection.ts';
export { COUNT_CEILING } from './candidateCounts.ts';
export { BUCKET_CEILING } from './planQueries.ts';
export type { ReferencingKeyFact } from '../../core/spec/tableFacts.ts';
export { hotListQuery, type HotTicketReads, type HotRows } from './ticketReads.ts';
export { planAnswers, type PlanAnswers } from './planQueries.ts';
export { checkMigration, migrate, notReady, type MigrationCheck } from './migrations.ts';
export { loadMigrations, splitStatements, type Migration } from './migrationFiles.ts';

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
  /** The spec's table as SQL, with the foreign keys that hold tickets back. */
  table: TableSql;
  /** Answers when the database does; throws the product's error naming the cause otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The movers' and operators' database (ticket_archiver_mover). */
export interface MoverHotStore extends Opened {
  /** The move's port, applying the cold rule with COLD_AFTER. */
  tickets(coldAfterMs: number): HotTickets;
  /** Searches of the index of candidates (backfill, sweep). */
  closed: ClosedTickets;
  census: HotCensus;
  /** The database's health as business code sees it, on a connection of its own (the throttle's readings). */
  health: HotHealth;
  /** Operators' questions: slot, backlog, tickets held back, recent moves, query costs. */
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

async function openPool(o: HotConnection, spec: ArchiveSpec): Promise<{ pool: pg.Pool; opened: Opened }> {
  const pool = createTextPool(o.databaseUrl, o.applicationName, o.poolSize, o.onIdleError ?? (() => undefined));
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
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
  let problems: string[];
  let table: TableSql;
  try {
    const check = await checkDatabase(client, spec);
    problems = notReady(check);
    table = new TableSql(spec, check.referencing, check.columns, check.partReferencing);
  } catch (err) {
    client.release();
    await pool.end();
    throw hotStoreError(err, 'checking the database against the archive spec');
  }
  client.release();
  if (problems.length > 0) {
    await pool.end();
    throw new SpecMisfitError(problems);
  }
  const opened: Opened = {
    lookup: new HotLookup(pool, table),
    table,
    ping: () => guarded('answering a ping', async () => void (await pool.query('SELECT 1'))),
    close: () => pool.end().catch(() => undefined),
  };
  return { pool, opened };
}

export async function openMoverHotStore(o: HotConnection, spec: ArchiveSpec): Promise<MoverHotStore> {
  const { pool, opened } = await openPool(o, spec);
  const t = opened.table;
  const health = new HotHealth(o.databaseUrl, `${o.applicationName}/health`, t);
  return {
    ...opened,
    tickets: (coldAfterMs) => new HotTickets(pool, t, coldAfterMs),
    closed: new ClosedTickets(pool, t),
    census: new HotCensus(pool, t),
    health,
    inspection: new HotInspection(pool, t),
    ledger: new HotLedger(pool, t),
    async close() {
      await health.close();
      await opened.close();
    },
  };
}

export async function openRestorerHotStore(o: HotConnection, spec: ArchiveSpec): Promise<RestorerHotStore> {
  const { pool, opened } = await openPool(o, spec);
  return { ...opened, restores: new HotRestores(pool, opened.table) };
}

export async function openReaderHotStore(o: HotConnection, spec: ArchiveSpec): Promise<ReaderHotStore> {
  const { pool, opened } = await openPool(o, spec);
  return { ...opened, reads: new HotTicketReads(pool, opened.table) };
}
