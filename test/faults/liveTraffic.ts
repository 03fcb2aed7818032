// Business traffic on the hot table while the archiver moves tickets: reopens, edits, closes and new tickets, half
// of it aimed at cold tickets near the backfill's moving front, where moves are in flight. Errors (a restarted
// PostgreSQL, a lock) are counted and the stream goes on, as an application's would. The statements are the table's
// (FaultTable.traffic). A table with parts also gets writes to its tickets' parts (partTraffic.ts), half as many.
import type pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultTable, TrafficOp } from './faultTable.ts';
import { PartTraffic, type PartCounts } from './partTraffic.ts';

export interface TrafficCounts {
  reopen: number;
  touch: number;
  edit: number;
  close: number;
  insert: number;
  errors: number;
}

type Op = TrafficOp;

export class LiveTraffic {
  readonly counts: TrafficCounts = { reopen: 0, touch: 0, edit: 0, close: 0, insert: 0, errors: 0 };
  /** Tickets whose row changed after the load: their archive is checked by version, not against the loaded row. */
  readonly touched = new Set<string>();
  readonly inserted: string[] = [];
  /** Lowest cold ticket id still being moved, roughly: where updates race moves most. */
  private front = 0;
  private running = false;
  private loops: Promise<void>[] = [];
  private frontLoop: Promise<void> | undefined;
  private readonly parts: PartTraffic | undefined;

  constructor(
    private readonly table: FaultTable,
    private readonly db: pg.Pool,
    private readonly coldIds: string[],
    private readonly openIds: string[],
    private readonly opsPerSecond: number,
    private readonly coldAfterSeconds: number,
    /** For a table with parts: its owner, reading every column as exact text (the part book keeps the rows). */
    partsDb?: pg.Pool,
  ) {
    if (table.parts && partsDb) {
      const targets = {
        cold: () => (Math.random() < 0.5 ? this.pick(this.nearFront(500)) : this.pick(this.coldIds)),
        front: () => this.pick(this.nearFront(100)),
        open: () => this.pick(this.openIds),
      };
      const saved = (id: string) => void this.touched.add(id);
      this.parts = new PartTraffic(table.parts, partsDb, targets, saved, Math.max(1, opsPerSecond / 2));
    }
  }

  /** The writes to parts, when the table has them. */
  get partCounts(): PartCounts | undefined {
    return this.parts?.counts;
  }

  start(workers = 4): void {
    this.running = true;
    this.frontLoop = this.followFront();
    const interval = (1000 * workers) / this.opsPerSecond;
    for (let w = 0; w < workers; w++) this.loops.push(this.worker(interval));
    this.parts?.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([...this.loops, this.frontLoop, this.parts?.stop()]);
    this.loops = [];
  }

  /** `n` updates at once, aimed at the cold tickets right at the moving front: half reopen, half touch. */
  async burst(n: number, concurrency = 8): Promise<number> {
    const targets = this.nearFront(n);
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < targets.length) {
          const id = targets[next] as string;
          await this.run(next++ % 2 === 0 ? 'reopen' : 'touch', id);
        }
      }),
    );
    return targets.length;
  }

  private async followFront(): Promise<void> {
    while (this.running) {
      // The mover deletes ids roughly in order within each snapshot chunk: the largest archived id is the front.
      const r = await this.db
        .query<{ id: string | null }>(
          `SELECT max(ticket_key::bigint)::text AS id FROM ticket_archiver.ledger WHERE state = 'archived'`,
        )
        .catch(() => undefined);
      const front = r?.rows[0]?.id;
      if (front) this.front = Math.max(0, lowerBound(this.coldIds, BigInt(front)));
      await sleep(1000);
    }
  }

  private nearFront(n: number): string[] {
    const start = Math.min(this.front, Math.max(0, this.coldIds.length - n));
    return this.coldIds.slice(start, start + n);
  }

  private pick<T>(list: T[]): T | undefined {
    return list[Math.floor(Math.random() * list.length)];
  }

  private async worker(intervalMs: number): Promise<void> {
    let due = Date.now();
    while (this.running) {
      const roll = Math.random();
      const nearFront = Math.random() < 0.5 ? this.pick(this.nearFront(500)) : this.pick(this.coldIds);
      if (roll < 0.25) await this.run('reopen', nearFront);
      else if (roll < 0.5) await this.run('touch', nearFront);
      else if (roll < 0.7) await this.run('edit', this.pick(this.openIds));
      else if (roll < 0.85) await this.run('close', this.pick(this.openIds));
      else await this.run('insert', undefined);
      due += intervalMs;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      else due = Date.now(); // behind (the database was down): do not replay the missed ticks as a burst
    }
  }

  private async run(op: Op, id: string | undefined): Promise<void> {
    if (op !== 'insert' && id === undefined) return;
    try {
      const res = await this.db.query<{ id: string }>(
        this.table.traffic[op],
        op === 'insert' ? [Math.random() < 0.3, this.coldAfterSeconds] : [id],
      );
      const changed = res.rows[0]?.id;
      if (changed === undefined) return;
      this.counts[op]++;
      this.touched.add(changed);
      if (op === 'insert') this.inserted.push(changed);
    } catch {
      this.counts.errors++;
    }
  }
}

/** Index of the first id >= `value` in an ascending list of decimal ids. */
function lowerBound(ids: string[], value: bigint): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (BigInt(ids[mid] as string) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
