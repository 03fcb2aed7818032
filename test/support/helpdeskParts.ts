// A help desk ticket's parts as the tests know them: the tree of tables whose rows belong to a ticket (the same tree as
// the desk's archive spec in connectors/specs, which the unit tests compare), and what a test reads of them: every
// part row of some tickets, at every level and by either kind of link, as PostgreSQL's text of the row (`p::text`), and
// as { key, parent, row } entries with the row as column -> exact text, as a cold document holds it. Parts are named
// by their path, as the cold document and the read API name them ("articles", "articles.attachments").
//
// Each desk's tree and conversation are in helpdesk<Desk>Parts.ts. A conversation writes part rows only: the ticket
// row stays as insert() and close() left it (an import), so its age and state alone decide whether it is cold. Times
// follow the ticket's creation time, in UTC as each help desk writes them. One article of each ticket carries large
// values (about 200 KiB of text with every plane of Unicode, quotes, backslashes and line breaks, and a file of random
// bytes as base64), so that a cold copy is exact only if every byte is.
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { RowText } from '../../services/core/move/coldDocument.ts';

export type Db = pg.Pool | pg.PoolClient | pg.Client;

/** One part: its table, key and link (the parent's key in `link`, narrowed by `where` over the row as p). */
export interface PartTree {
  /** The spec's part name, unique among its siblings. */
  name: string;
  table: string;
  key: string;
  keyType: 'integer' | 'bigint';
  link: string;
  where?: string;
  parts?: PartTree[];
}

/** A part row as a cold document names it: its key, its parent's key, and the row as exact text. */
export interface PartEntry {
  key: string;
  parent: string;
  row: RowText;
}

/** About `kb` KiB of text that is exact or not: every plane of Unicode, quotes, a backslash, tabs and line breaks. */
export function largeText(kb: number): string {
  const unit = `Grüße — 打印机 🖨️ "quoted" 'single' back\\slash\ttab\r\nZeile ${randomUUID()}\n`;
  return unit.repeat(Math.ceil((kb * 1024) / Buffer.byteLength(unit)));
}

/** `kb` KiB of random bytes as MIME::Base64 writes them (lines of 76 characters). */
export function base64File(kb: number): string {
  return randomBytes(kb * 1024)
    .toString('base64')
    .replace(/.{76}/g, '$&\n');
}

/** The first row's `id` of `sql`. */
export async function one(db: Db, sql: string, params: unknown[]): Promise<string> {
  const { rows } = await db.query<{ id: string }>(sql, params);
  if (!rows[0]) throw new Error(`no row from ${sql}`);
  return rows[0].id;
}

export interface FlatPart {
  /** "articles", "articles.attachments". */
  path: string;
  part: PartTree;
  /** FROM and WHERE of the part's rows that belong to the tickets in `$1` (the part's table as p). */
  from: string;
}

/** Every part of `tree`, parents first (the spec's order), with the SQL that selects its rows of the tickets `$1`. */
export function flatParts(tree: PartTree[], keyArray: string): FlatPart[] {
  const out: FlatPart[] = [];
  const walk = (parts: PartTree[], parent: string | null, parentKeys: string) => {
    for (const part of parts) {
      const path = parent === null ? part.name : `${parent}.${part.name}`;
      const from = `FROM ${part.table} p WHERE p.${part.link} IN (${parentKeys}) AND (${part.where ?? 'true'})`;
      out.push({ path, part, from });
      walk(part.parts ?? [], path, `SELECT p.${part.key} ${from}`);
    }
  };
  walk(tree, null, `SELECT unnest($1::${keyArray})`);
  return out;
}

/** The tree as the spec writes it (connectors/specs/*.yaml's `parts`). */
export function specParts(tree: PartTree[]): unknown[] {
  return tree.map((p) => ({
    name: p.name,
    table: p.table,
    key: { column: p.key, type: p.keyType },
    link: p.where === undefined ? { column: p.link } : { column: p.link, where: p.where },
    ...(p.parts ? { parts: specParts(p.parts) } : {}),
  }));
}

// The movers' session settings (services/edges/hotStore/pool.ts): the text of a row does not depend on the role's.
const SESSION = [
  "SET LOCAL TimeZone = 'UTC'",
  "SET LOCAL DateStyle = 'ISO, YMD'",
  'SET LOCAL IntervalStyle = iso_8601',
  'SET LOCAL extra_float_digits = 1',
  'SET LOCAL bytea_output = hex',
];
const rawText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/** `read` in one REPEATABLE READ, READ ONLY transaction with the movers' session settings. */
async function snapshotRead<T>(db: pg.Pool, read: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await db.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const s of SESSION) await c.query(s);
    const out = await read(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

/** Every part row of the tickets `ids`, by path: `p::text`, sorted. A part without rows maps to []. */
export function partRows(
  db: pg.Pool,
  tree: PartTree[],
  keyArray: string,
  ids: string[],
): Promise<Map<string, string[]>> {
  return snapshotRead(db, async (c) => {
    const out = new Map<string, string[]>();
    for (const { path, from } of flatParts(tree, keyArray)) {
      const { rows } = await c.query<{ t: string }>(`SELECT p::text AS t ${from}`, [ids]);
      out.set(path, rows.map((r) => r.t).sort());
    }
    return out;
  });
}

/** What a ticket is made of in the hot tables: its row (undefined when gone), its part rows as `p::text` and as
 * entries (sorted by key), by path. */
export interface Aggregate {
  root: RowText | undefined;
  rows: Record<string, string[]>;
  entries: Record<string, PartEntry[]>;
}

/** The aggregate of each of `ids` (table: the root, as SQL), each ticket in one snapshot. */
export async function aggregates(
  db: pg.Pool,
  table: string,
  tree: PartTree[],
  keyArray: string,
  ids: string[],
): Promise<Map<string, Aggregate>> {
  const out = new Map<string, Aggregate>();
  for (const id of ids) {
    out.set(
      id,
      await snapshotRead(db, async (c) => {
        const root = await c.query<RowText>({
          text: `SELECT * FROM ${table} WHERE id = $1`,
          values: [id],
          types: rawText,
        });
        const agg: Aggregate = { root: root.rows[0], rows: {}, entries: {} };
        for (const { path, part, from } of flatParts(tree, keyArray)) {
          const text = await c.query<{ t: string }>(`SELECT p::text AS t ${from}`, [[id]]);
          agg.rows[path] = text.rows.map((r) => r.t).sort();
          const full = await c.query<RowText>({
            text: `SELECT p.${part.key}::text AS "__part_key", p.${part.link}::text AS "__part_parent", p.* ${from}`,
            values: [[id]],
            types: rawText,
          });
          agg.entries[path] = full.rows.map(toEntry).sort(byKey);
        }
        return agg;
      }),
    );
  }
  return out;
}

function toEntry(r: RowText): PartEntry {
  const { __part_key: key, __part_parent: parent, ...row } = r;
  return { key: String(key), parent: String(parent), row };
}

/** Entries in key order (numeric keys by value). */
export function byKey(a: { key: string }, b: { key: string }): number {
  const d = BigInt(a.key) - BigInt(b.key);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** The fixtures' cascading test_ticket_watchers as a part: what a spec adds to carry a site's own child table. */
export function watchersPart(schema: string, keyType: PartTree['keyType']): PartTree {
  return { name: 'watchers', table: `${schema}.test_ticket_watchers`, key: 'id', keyType, link: 'ticket_id' };
}
