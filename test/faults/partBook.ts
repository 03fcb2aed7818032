// A ticket's parts in the fault suite (docs/aggregates-design.md): what a table with parts gives the suite (the bulk
// load of every ticket's conversation, the business writes to it), and the book of every part row the suite expects:
// each row by its part's path and key, with its ticket and the content hash of the row as last written (the load's
// rows as read back after the load, the traffic's as its statements returned them), so the checks can prove that each
// is in exactly one tier and that its archive is that row.
import type pg from 'pg';
import { rowHash, type RowText } from '../../services/core/move/rowText.ts';

/** Business writes to parts: a new article (as the help desk writes one: the article, its history and some
 * attachments, and the ticket saved with it), a history row alone (the ticket not saved: only the parts check can see
 * it), an article's body edited, and an article's row held locked for a few hundred ms. */
export const PART_OPS = ['addArticle', 'addHistory', 'editArticle', 'lockArticle'] as const;
export type PartOp = (typeof PART_OPS)[number];

/** A part row a statement wrote, as it returned it (every column as exact text). */
export interface WrittenPart {
  path: string;
  key: string;
  row: RowText;
}

/** Where a write goes: the ticket, and for an article's writes one of its articles. */
export interface PartTarget {
  ticket: string;
  article?: string;
}

/** What a write did: whether it found its ticket (or article) still hot, the rows written, and `at` the database's
 * clock when it wrote them (epoch ms). */
export interface PartWrite {
  done: boolean;
  rows: WrittenPart[];
  at?: number;
}

export interface FaultParts {
  /** The part rows the suite expects, reset by the table's prepare. */
  book: PartBook;
  /** The path of the first-level part whose rows the article ops aim at ("articles"). */
  articlePath: string;
  /** Writes the conversation of the tickets with keys between $1 and $2 (the rows just loaded), set-based; returns
   * one row of counts by table. */
  loadSql: string;
  /** Each op on `db` (the tables' owner, reading every column as exact text); throws what the database throws (a
   * foreign key refusing an article of a ticket already archived: 23503). lockArticle holds its lock for `holdMs`. */
  write(op: PartOp, db: pg.Pool, target: PartTarget, holdMs: number): Promise<PartWrite>;
}

export interface BookEntry {
  ticket: string;
  /** sha256 of the row as last written; null when a write's outcome is unknown (its connection was cut). */
  hash: string | null;
  via: 'load' | PartOp;
  /** For traffic's rows: when the database wrote them (epoch ms). */
  at?: number;
}

export class PartBook {
  private readonly rows = new Map<string, Map<string, BookEntry>>();
  private readonly children = new Map<string, string[]>();

  constructor(private readonly articlePath: string) {}

  clear(): void {
    this.rows.clear();
    this.children.clear();
  }

  get size(): number {
    let n = 0;
    for (const byKey of this.rows.values()) n += byKey.size;
    return n;
  }

  record(path: string, key: string, ticket: string, row: RowText, via: BookEntry['via'], at?: number): void {
    let byKey = this.rows.get(path);
    if (!byKey) this.rows.set(path, (byKey = new Map<string, BookEntry>()));
    const known = byKey.has(key);
    byKey.set(key, {
      ticket,
      hash: rowHash(row),
      via: known ? (byKey.get(key)?.via ?? via) : via,
      ...(at ? { at } : {}),
    });
    if (!known && path === this.articlePath) this.children.set(ticket, [...(this.children.get(ticket) ?? []), key]);
  }

  /** A row whose last write may or may not have happened: its place is still checked, its content no longer. */
  uncertain(path: string, key: string): void {
    const e = this.rows.get(path)?.get(key);
    if (e) e.hash = null;
  }

  /** The ticket's articles the suite knows of. */
  articlesOf(ticket: string): string[] {
    return this.children.get(ticket) ?? [];
  }

  get(path: string, key: string): BookEntry | undefined {
    return this.rows.get(path)?.get(key);
  }

  /** Every expected row's key by path, with its ticket (parents for the reads of deeper parts). */
  ticketsByKey(path: string): Map<string, string> {
    return new Map([...(this.rows.get(path) ?? [])].map(([key, e]) => [key, e.ticket]));
  }

  *entries(): Generator<[string, string, BookEntry]> {
    for (const [path, byKey] of this.rows) for (const [key, e] of byKey) yield [path, key, e];
  }
}
