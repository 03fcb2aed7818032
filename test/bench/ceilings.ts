// What each store can do alone on the benchmark's data, used as a move uses it, by 1, 2 or 4 writers at once: the cold
// store taking a move's copies into the real archive collection (its real indexes, at a given fill), and the hot
// table's guarded delete (lock function, deletable re-check and ledger in one transaction, hotStore/deletion.ts).
// Neither contender can move tickets faster than the slower of the two.
import { randomUUID } from 'node:crypto';
import { Long } from 'mongodb';
import { toColdDocument, type ColdDocument } from '../../services/core/move/coldDocument.ts';
import type { ColdRows, ColdTicketStore, CopiedTicket, HotTicketStore } from '../../services/core/move/ports.ts';
import type { BenchStores } from './benchStores.ts';
import { spread, type Spread } from './stats.ts';

export interface CeilingRun {
  /** Writers at once, each writing (or deleting) its own batches one after the other. */
  writers: number;
  /** Archives in the collection when the run began (cold store runs only). */
  fill?: number;
  rows: number;
  seconds: number;
  perSecond: number;
}

const MOVER = 'bench-ceiling';
/** Copies cloned from the template get keys from here on, far above the generated tickets' keys. */
const CLONE_OFFSET = 1_000_000_000_000n;

/** Ids of `count` cold tickets, oldest first (as both contenders pick them). */
export async function coldSample(stores: BenchStores, coldAfterMs: number, count: number): Promise<string[]> {
  const { rows } = await stores.pool.query<{ id: string }>(
    `SELECT id FROM public.tickets WHERE status = 'closed' AND last_operated_at <= now() - $1 * interval '1 millisecond'
      ORDER BY last_operated_at, id LIMIT $2`,
    [coldAfterMs, count],
  );
  return rows.map((r) => r.id);
}

export const batchesOf = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** `batches` on `writers` concurrent loops (batch i on loop i % writers): rows done per second, first start to last
 * end. `each` returns the rows a batch did. */
async function concurrently<T>(
  batches: T[],
  writers: number,
  each: (batch: T) => Promise<number>,
): Promise<CeilingRun> {
  let rows = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = w; i < batches.length; i += writers) {
        const done = await each(batches[i] as T);
        rows += done;
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  return { writers, rows, seconds, perSecond: rows / seconds };
}

/** A move's documents of the rows read, as the move makes them (state inMove, the move's id). */
function moveDocuments(read: ColdRows, copy: BenchStores['copy'], move: string, now: Date): ColdDocument[] {
  const context = { columns: read.columns, ...copy, readStamp: read.readStamp, mover: MOVER, now, move };
  return read.rows.map((r) => toColdDocument(r, context));
}

/** The cold store's part of one move: the move recorded, its copies written (one insertMany of new copies), the move
 * committed (which makes them archives; markArchived is only for copies an earlier move wrote). Rows written. */
async function writeMove(cold: ColdTicketStore, move: string, docs: ColdDocument[], now: Date): Promise<number> {
  await cold.beginMove({
    id: move,
    mover: MOVER,
    startedAt: now,
    tickets: docs.map((d) => ({ id: d._id, version: d.version })),
  });
  const { kept, refused } = await cold.writeCopies(docs);
  const copied = docs.length - kept.size - refused.size;
  await cold.commitMove(move, now, { archived: copied, copied });
  return copied;
}

/** Archives the cold tickets `ids` (untimed): each batch re-read from the hot table and written as a move writes it. */
export async function fillColdStore(
  stores: BenchStores,
  hot: HotTicketStore,
  ids: string[],
  batchSize: number,
  writers: number,
): Promise<CeilingRun> {
  const cold = stores.cold.forMoves(MOVER);
  return concurrently(batchesOf(ids, batchSize), writers, async (batch) => {
    const now = new Date();
    const move = randomUUID();
    return writeMove(cold, move, moveDocuments(await hot.readColdRows(batch), stores.copy, move, now), now);
  });
}

/** The template's rows again under new keys (`round` apart): the same documents, other tickets. */
function clonedRows(template: ColdRows, keyColumn: string, round: number): ColdRows {
  const shift = CLONE_OFFSET * BigInt(round + 1);
  return {
    ...template,
    rows: template.rows.map((r) => {
      const key = String(BigInt(r.key) + shift);
      return { ...r, key, row: { ...r.row, [keyColumn]: key } };
    }),
  };
}

/**
 * Writes clones of the template's cold tickets (real documents under keys no ticket has) into the archive collection
 * as moves of `batchSize` write them, on `writers` writers at once; the documents are made before the clock starts.
 * The clones are deleted afterwards (untimed), so every run meets the same fill.
 */
export async function coldStoreCeiling(
  stores: BenchStores,
  template: ColdRows,
  o: { batchSize: number; writers: number; round: number; fill: number },
): Promise<CeilingRun> {
  const cold = stores.cold.forMoves(MOVER);
  const now = new Date();
  const moves = batchesOf(clonedRows(template, stores.spec.key.column, o.round).rows, o.batchSize).map((rows) => {
    const move = randomUUID();
    return { move, docs: moveDocuments({ ...template, rows }, stores.copy, move, now) };
  });
  const run = await concurrently(moves, o.writers, (m) => writeMove(cold, m.move, m.docs, now));
  const shift = CLONE_OFFSET * BigInt(o.round + 1);
  await stores.coldTickets.deleteMany({
    _id: { $gte: Long.fromBigInt(shift), $lt: Long.fromBigInt(shift + CLONE_OFFSET) },
  });
  return { ...run, fill: o.fill };
}

/**
 * Deletes the cold tickets `ids` through the product's delete (as the move does once their copies are durable: only
 * at the version read, still cold, not held, each recorded in the ledger), in batches of `batchSize` on `writers`
 * writers at once, each with its own tickets. The versions and the table's shape are read before the clock starts.
 */
export async function deleteCeiling(
  hot: HotTicketStore,
  ids: string[],
  o: { batchSize: number; writers: number; lockTimeoutMs: number },
): Promise<CeilingRun> {
  const states = await hot.readStates(ids);
  const { columns } = await hot.readColdRows(ids.slice(0, 1));
  const copied: CopiedTicket[] = [...states.values()].map((s) => ({ id: s.id, version: s.version }));
  return concurrently(batchesOf(copied, o.batchSize), o.writers, async (batch) => {
    const { deleted, failed } = await hot.deleteUnchanged(batch, { root: columns }, MOVER, o.lockTimeoutMs);
    if (failed.length > 0) throw new Error(`${failed.length} deletes failed: ${failed[0]?.message}`);
    return deleted.length;
  });
}

/** One writer count: the cold store's rate over every fill level and at each, the delete's, and the slower's. */
export interface WriterCeiling {
  writers: number;
  /** Documents per second, every fill level's runs together (their median is about the half-full rate). */
  coldStore: Spread;
  coldStoreByFill: Array<{ fill: number; perSecond: Spread }>;
  /** Tickets deleted per second. */
  delete: Spread;
  /** The lower of the two medians: what movers with this many writers could reach at most. */
  slowerPerSecond: number;
  slowerStore: 'cold store' | 'hot delete';
}

export function byWriters(coldRuns: CeilingRun[], deleteRuns: CeilingRun[], fills: number[]): WriterCeiling[] {
  const counts = [...new Set([...coldRuns, ...deleteRuns].map((r) => r.writers))].sort((a, b) => a - b);
  return counts.map((writers) => {
    const cold = coldRuns.filter((r) => r.writers === writers);
    const coldStore = spread(cold.map((r) => r.perSecond));
    const del = spread(deleteRuns.filter((r) => r.writers === writers).map((r) => r.perSecond));
    return {
      writers,
      coldStore,
      coldStoreByFill: fills.map((fill) => ({
        fill,
        perSecond: spread(cold.filter((r) => r.fill === fill).map((r) => r.perSecond)),
      })),
      delete: del,
      slowerPerSecond: Math.min(coldStore.median, del.median),
      slowerStore: coldStore.median <= del.median ? 'cold store' : 'hot delete',
    };
  });
}
