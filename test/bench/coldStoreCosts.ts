// The cold store's side of one move, timed alone on an otherwise idle stack: how long each cold-store operation of a
// 500-ticket move takes (copy, copied -> archived, timer poll), and how that changes as the collections fill up
// the way a backfill fills them. Explains where a move's time goes and why throughput drifts during a run.
import { toColdDocument, type ColdDocument, type ReadRow } from '../../services/core/move/coldDocument.ts';
import type { BenchStores } from './benchStores.ts';
import { distribution } from './stats.ts';

export interface CostStep {
  /** Archived documents already in the collection, and timers waiting, when the step was timed. */
  archivedBefore: number;
  timersBefore: number;
  /** Milliseconds per 500-ticket batch (median of the batches timed at this step). */
  insertMs: number;
  markArchivedMs: number;
  /** One poll of the due timers of 6 partitions, what the archiver does every TIMER_POLL_INTERVAL. */
  timerPollMs: number;
}

const BATCH = 500;
const PARTITIONS = [0, 1, 2, 3, 4, 5];

/** The default table's column types (format_type), as a move reads them: its typed fields are typed by them. */
const COLUMNS: Record<string, string> = {
  id: 'bigint',
  version: 'bigint',
  customer_id: 'bigint',
  status: 'text',
  subject: 'text',
  body: 'text',
  created_at: 'timestamp with time zone',
  last_operated_at: 'timestamp with time zone',
  last_operator_id: 'bigint',
  last_operator_group_id: 'bigint',
};

function ticket(id: number, bodyBytes: number): ReadRow {
  const at = new Date(Date.UTC(2025, 0, 1) + id * 1000).toISOString().replace('T', ' ').replace('Z', '+00');
  const row = {
    id: String(id),
    version: '1',
    customer_id: String(100000 + (id % 50000)),
    status: 'closed',
    subject: `Where is my parcel? 📦 #${id}`,
    body: '您好，我的订单一直没有发货 Hello, the app crashes 🙏 '.repeat(Math.ceil(bodyBytes / 70)),
    created_at: at,
    last_operated_at: at,
    last_operator_id: String(id % 2000),
    last_operator_group_id: String(id % 60),
  };
  return { key: row.id, version: row.version, row };
}

/**
 * Fills the cold store in `steps` steps of `perStep` archived tickets (2 KB bodies, the benchmark's mean) plus one
 * timer per 7 tickets (the share of closed-but-not-yet-cold tickets in the generated data), timing `samples` batches
 * of insert + markArchived and as many timer polls at each step.
 */
export async function coldStoreCosts(
  stores: BenchStores,
  o: { steps: number; perStep: number; samples: number; log(m: string): void },
): Promise<CostStep[]> {
  const results: CostStep[] = [];
  let nextId = 1;
  let timers = 0;
  let readStamp = 0n;
  // One batch of copies as a move writes them (each read later than the last).
  const batch = (): ColdDocument[] =>
    Array.from({ length: BATCH }, () =>
      toColdDocument(ticket(nextId++, 2000), {
        columns: COLUMNS,
        ...stores.copy,
        readStamp: ++readStamp,
        mover: 'bench-costs',
        now: new Date(),
      }),
    );
  const timed = async (f: () => Promise<unknown>) => {
    const began = performance.now();
    await f();
    return performance.now() - began;
  };
  for (let step = 0; step <= o.steps; step++) {
    const insert: number[] = [];
    const mark: number[] = [];
    const poll: number[] = [];
    for (let i = 0; i < o.samples; i++) {
      const docs = batch();
      insert.push(await timed(() => stores.cold.copies.writeCopies(docs)));
      mark.push(
        await timed(() =>
          stores.cold.copies.markArchived(
            docs.map((d) => ({ id: d._id.toString(), version: '1' })),
            new Date(),
            (ids) => stores.cold.moves.states(ids),
          ),
        ),
      );
      poll.push(await timed(() => stores.timers.dueTimers(PARTITIONS, new Date(), BATCH)));
    }
    results.push({
      archivedBefore: nextId - 1 - o.samples * BATCH,
      timersBefore: timers,
      insertMs: distribution(insert).p50,
      markArchivedMs: distribution(mark).p50,
      timerPollMs: distribution(poll).p50,
    });
    o.log(
      `cold store costs at ${nextId - 1} archived, ${timers} timers: insert ${results[step]?.insertMs.toFixed(0)} ms, markArchived ${results[step]?.markArchivedMs.toFixed(0)} ms, timer poll ${results[step]?.timerPollMs.toFixed(0)} ms per ${BATCH}`,
    );
    if (step === o.steps) break;
    // Fill to the next step the way a backfill does: copies marked archived, and timers for tickets due later.
    for (let filled = 0; filled < o.perStep; filled += BATCH) {
      const docs = batch();
      await stores.cold.copies.writeCopies(docs);
      await stores.cold.copies.markArchived(
        docs.map((d) => ({ id: d._id.toString(), version: '1' })),
        new Date(),
        (ids) => stores.cold.moves.states(ids),
      );
      const later = docs
        .filter((_, k) => k % 7 === 0)
        .map((d, k) => ({
          id: `9${d._id.toString()}`,
          version: '1',
          dueAt: new Date(Date.now() + 86_400_000),
          partition: k % 6,
        }));
      await stores.timers.setTimers(later, new Date());
      timers += later.length;
    }
  }
  return results;
}
