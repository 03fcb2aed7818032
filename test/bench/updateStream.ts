// A steady stream of business updates (agents editing open tickets) whose latency shows what a contender costs
// production. Open loop: each update has a scheduled time and its latency counts from then, so a stall shows as
// latency on every update it delays (no coordinated omission), not as fewer samples.
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';

export interface UpdateSample {
  /** Scheduled time, ms since the stream started. */
  atMs: number;
  latencyMs: number;
}

export class UpdateStream {
  readonly samples: UpdateSample[] = [];
  errors = 0;
  lastError: string | undefined;
  private readonly pool: pg.Pool;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private startedAt = 0;

  constructor(
    databaseUrl: string,
    private readonly openIds: string[],
    private readonly perSecond: number,
  ) {
    if (openIds.length === 0) throw new Error('the update stream needs open tickets to update');
    // Enough connections that a slow update delays the next ones only when the server itself is slow.
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 16, application_name: 'bench-business-updates' });
    this.pool.on('error', () => undefined);
  }

  start(): void {
    this.running = true;
    this.startedAt = performance.now();
    this.loop = this.schedule();
  }

  /** Ms since start, for marking phases. */
  now(): number {
    return performance.now() - this.startedAt;
  }

  /** Latencies of the updates scheduled in [fromMs, toMs). */
  latencies(fromMs: number, toMs: number): number[] {
    return this.samples.filter((s) => s.atMs >= fromMs && s.atMs < toMs).map((s) => s.latencyMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.inFlight);
    await this.pool.end();
  }

  private async schedule(): Promise<void> {
    const interval = 1000 / this.perSecond;
    let issued = 0;
    while (this.running) {
      const due = Math.floor(this.now() / interval);
      for (; issued < due; issued++) this.issue(issued * interval, issued);
      await sleep(2);
    }
  }

  private issue(atMs: number, n: number): void {
    const id = this.openIds[(n * 7919) % this.openIds.length] as string;
    const p = this.pool
      .query('UPDATE public.tickets SET last_operated_at = now(), last_operator_id = $2, priority = $3 WHERE id = $1', [
        id,
        n % 2000,
        1 + (n % 4),
      ])
      .then(
        () => {
          this.samples.push({ atMs, latencyMs: this.now() - atMs });
        },
        (err: unknown) => {
          this.errors++;
          this.lastError = (err as Error).message;
        },
      )
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }
}
