// What the stores can do alone on the benchmark's data, with nothing else running: the cold store's bulk-write rate
// and PostgreSQL's batched-delete rate. Neither contender can move tickets faster than the slower of the two.
import { toColdDocument } from '../../services/core/move/coldDocument.ts';
import { toStored, type StoredColdDocument } from '../../services/edges/coldStore/documents.ts';
import type { BenchStores } from './benchStores.ts';

export interface CeilingRun {
  rows: number;
  seconds: number;
  perSecond: number;
}

/** Ids of `count` cold tickets, oldest first (as both contenders pick them). */
export async function coldSample(stores: BenchStores, coldAfterMs: number, count: number): Promise<string[]> {
  const { rows } = await stores.pool.query<{ id: string }>(
    `SELECT id FROM public.tickets WHERE status = 'closed' AND last_operated_at <= now() - $1 * interval '1 millisecond'
      ORDER BY last_operated_at, id LIMIT $2`,
    [coldAfterMs, count],
  );
  return rows.map((r) => r.id);
}

/**
 * Inserts the cold documents of `ids` (read once, before timing) into a scratch collection in batches of
 * `batchSize`, one insertMany after the other, as the contenders write: documents per second.
 */
export async function coldStoreCeiling(stores: BenchStores, ids: string[], batchSize = 1000): Promise<CeilingRun> {
  const docs = [];
  for (let i = 0; i < ids.length; i += 10_000) {
    const { rows, columns, readStamp } = await stores.hot.readColdRows(ids.slice(i, i + 10_000));
    const context = { columns, ...stores.copy, readStamp, mover: 'bench-ceiling', now: new Date() };
    docs.push(...rows.map((r) => toStored(toColdDocument(r, context), stores.keys)));
  }
  const scratch = stores.coldDb.collection<StoredColdDocument>('bench_write_ceiling');
  await scratch.drop().catch(() => undefined);
  const began = performance.now();
  for (let i = 0; i < docs.length; i += batchSize)
    await scratch.insertMany(docs.slice(i, i + batchSize), { ordered: false });
  const seconds = (performance.now() - began) / 1000;
  await scratch.drop();
  return { rows: docs.length, seconds, perSecond: docs.length / seconds };
}

/** Deletes `ids` from the hot table in batches of `batchSize`, one statement each in its own transaction. */
export async function deleteCeiling(stores: BenchStores, ids: string[], batchSize = 10_000): Promise<CeilingRun> {
  const began = performance.now();
  let deleted = 0;
  for (let i = 0; i < ids.length; i += batchSize) {
    const res = await stores.pool.query('DELETE FROM public.tickets WHERE id = ANY($1::bigint[])', [
      ids.slice(i, i + batchSize),
    ]);
    deleted += res.rowCount ?? 0;
  }
  const seconds = (performance.now() - began) / 1000;
  return { rows: deleted, seconds, perSecond: deleted / seconds };
}
