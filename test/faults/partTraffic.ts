// Business writes to a ticket's parts while the movers run (a table with parts: FaultTable.parts), beside the root
// row's traffic (liveTraffic.ts) and aimed the same way: mostly at cold tickets, half of those at the backfill's moving
// front, some at open ones. New articles (the ticket saved with them), history rows alone (the ticket not saved),
// edits of an article's body, and a loop that holds an article's row locked for a few hundred ms at a time. Every row
// written goes into the part book as the statement returned it; a write whose outcome is unknown (its connection cut
// by a restart) leaves its row's content unchecked (PartBook.uncertain).
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { FaultParts, PartOp, PartTarget } from './partBook.ts';

export type PartCounts = Record<PartOp, number> & {
  /** Writes that found their ticket or article archived already (an article's foreign key refused, nothing updated). */
  partsGone: number;
  partErrors: number;
};

export interface PartTargets {
  /** A cold ticket (near the moving front half of the time). */
  cold(): string | undefined;
  /** A cold ticket at the moving front, where moves are in flight. */
  front(): string | undefined;
  open(): string | undefined;
}

export class PartTraffic {
  readonly counts: PartCounts = {
    addArticle: 0,
    addHistory: 0,
    editArticle: 0,
    lockArticle: 0,
    partsGone: 0,
    partErrors: 0,
  };
  private running = false;
  private loops: Promise<void>[] = [];
  /** Articles with an edit in flight: one at a time each, so the book's last write is the table's. */
  private readonly editing = new Set<string>();

  constructor(
    private readonly parts: FaultParts,
    /** The tables' owner, every column read as exact text. */
    private readonly db: pg.Pool,
    private readonly targets: PartTargets,
    /** A ticket whose row a write saved (or may have saved): its archive is no longer the loaded row. */
    private readonly saved: (ticket: string) => void,
    private readonly opsPerSecond: number,
  ) {}

  start(workers = 2): void {
    this.running = true;
    const interval = (1000 * workers) / this.opsPerSecond;
    for (let w = 0; w < workers; w++) this.loops.push(this.worker(interval));
    this.loops.push(this.locker());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  private target(): PartTarget | undefined {
    const ticket = Math.random() < 0.85 ? this.targets.cold() : this.targets.open();
    if (ticket === undefined) return undefined;
    const articles = this.parts.book.articlesOf(ticket);
    const article = articles[Math.floor(Math.random() * articles.length)];
    return article === undefined ? { ticket } : { ticket, article };
  }

  private async worker(intervalMs: number): Promise<void> {
    let due = Date.now();
    while (this.running) {
      const roll = Math.random();
      const target = this.target();
      if (target) await this.run(roll < 0.35 ? 'addArticle' : roll < 0.65 ? 'addHistory' : 'editArticle', target);
      due += intervalMs;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      else due = Date.now();
    }
  }

  /** An article of a cold ticket at the moving front held locked (SELECT ... FOR UPDATE in an open transaction) for
   * 200 to 600 ms, again and again: a move that meets it must skip the ticket, never wait for it or delete around it. */
  private async locker(): Promise<void> {
    while (this.running) {
      const ticket = this.targets.front();
      const articles = ticket === undefined ? [] : this.parts.book.articlesOf(ticket);
      const article = articles[Math.floor(Math.random() * articles.length)];
      if (ticket !== undefined && article !== undefined)
        await this.run('lockArticle', { ticket, article }, 200 + Math.floor(Math.random() * 400));
      await sleep(100);
    }
  }

  private async run(op: PartOp, target: PartTarget, holdMs = 0): Promise<void> {
    const { book, articlePath } = this.parts;
    if (op === 'editArticle') {
      if (target.article === undefined || this.editing.has(target.article)) return;
      this.editing.add(target.article);
    }
    try {
      const w = await this.parts.write(op, this.db, target, holdMs);
      if (!w.done) {
        this.counts.partsGone++;
        return;
      }
      this.counts[op]++;
      for (const r of w.rows) book.record(r.path, r.key, target.ticket, r.row, op, w.at);
      if (op === 'addArticle') this.saved(target.ticket);
    } catch {
      this.counts.partErrors++;
      // Its outcome unknown: the ticket may have been saved, the article may have been edited.
      if (op === 'addArticle') this.saved(target.ticket);
      if (op === 'editArticle' && target.article !== undefined) book.uncertain(articlePath, target.article);
    } finally {
      if (op === 'editArticle' && target.article !== undefined) this.editing.delete(target.article);
    }
  }
}
