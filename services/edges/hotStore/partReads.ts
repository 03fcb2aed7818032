// Reading a ticket's parts (core/move/aggregate.ts) for a move, inside the snapshot that read the root rows: each
// part, parents first, by the keys of the parent rows just read, every column as exact text beside the row's key,
// parent and version. Also what the delete re-reads: each part's (key, version) under given parents.
import type pg from 'pg';
import type { PartRow, PartVersion, TicketParts } from '../../core/move/aggregate.ts';
import type { RowText } from '../../core/move/rowText.ts';
import type { TableShape } from '../../core/move/tableShape.ts';
import type { ColumnTypes } from './columnTypes.ts';
import type { PartSql } from './partSql.ts';

type Db = Pick<pg.ClientBase, 'query'>;

const KEY = 'ticket_archiver.key';
const PARENT = 'ticket_archiver.parent';
const VERSION = 'ticket_archiver.version';
const ADDED = new Set([KEY, PARENT, VERSION]);

/** Which ticket each part row belongs to, by "path\0key"; a row of a part under the ticket belongs to its parent. */
export class TicketOf {
  private readonly map = new Map<string, string>();

  add(path: string, key: string, ticket: string): void {
    this.map.set(`${path}\u0000${key}`, ticket);
  }

  /** The ticket of the row of `path` with this key. */
  ofKey(path: string, key: string): string | undefined {
    return this.map.get(`${path}\u0000${key}`);
  }

  /** The ticket of a row of `part` whose parent key is `parent`. */
  of(part: PartSql, parent: string): string | undefined {
    return part.plan.parent === null ? parent : this.map.get(`${part.plan.parent}\u0000${parent}`);
  }
}

/** The part rows of tickets as a copy names them (path, key, version). */
export interface CopiedParts {
  id: string;
  parts?: PartVersion[];
}

/** The copied rows of `path` of a ticket. */
export const rowsOf = (t: CopiedParts, path: string): PartVersion[] => (t.parts ?? []).filter((p) => p.path === path);

/** Which ticket each copied part row belongs to. */
export function copiedTicketOf(tickets: CopiedParts[]): TicketOf {
  const ticketOf = new TicketOf();
  for (const t of tickets) for (const p of t.parts ?? []) ticketOf.add(p.path, p.key, t.id);
  return ticketOf;
}

/** The keys the rows of `part` of these tickets hang from: the tickets' own, or their copied rows of the parent. */
export const parentKeys = (part: PartSql, tickets: CopiedParts[]): string[] =>
  part.plan.parent === null
    ? tickets.map((t) => t.id)
    : tickets.flatMap((t) => rowsOf(t, part.plan.parent ?? '').map((p) => p.key));

export async function readParts(
  db: Db,
  parts: PartSql[],
  tickets: string[],
  columnTypes: ColumnTypes,
): Promise<{ byTicket: Map<string, TicketParts>; columns: Record<string, TableShape> }> {
  const byTicket = new Map<string, TicketParts>(
    tickets.map((id) => [id, Object.fromEntries(parts.map((p) => [p.path, [] as PartRow[]]))]),
  );
  const columns: Record<string, TableShape> = {};
  const ticketOf = new TicketOf();
  const keysOf = new Map<string, string[]>();
  for (const part of parts) {
    const parents = part.plan.parent === null ? tickets : (keysOf.get(part.plan.parent) ?? []);
    const res = await db.query<RowText>(
      `SELECT p.*, ${part.keyText()} AS "${KEY}", ${part.parentText()} AS "${PARENT}", ${part.version()} AS "${VERSION}"
         FROM ${part.table} p WHERE ${part.belongsTo('$1')}`,
      [parents],
    );
    columns[part.path] = await columnTypes.of(res.fields.filter((f) => !ADDED.has(f.name)));
    const keys: string[] = [];
    for (const r of res.rows) {
      const key = r[KEY] as string;
      const parent = r[PARENT] as string;
      const ticket = ticketOf.of(part, parent);
      const rows = ticket === undefined ? undefined : byTicket.get(ticket)?.[part.path];
      if (ticket === undefined || rows === undefined) continue;
      const row: RowText = {};
      for (const [name, value] of Object.entries(r)) if (!ADDED.has(name)) row[name] = value;
      rows.push({ key, parent, version: r[VERSION] as string, row });
      ticketOf.add(part.path, key, ticket);
      keys.push(key);
    }
    keysOf.set(part.path, keys);
  }
  return { byTicket, columns };
}

/** Each row of `part` under `parents` now: key, parent and version (what the delete compares with the copy). */
export async function partVersions(
  db: Db,
  part: PartSql,
  parents: string[],
): Promise<Array<{ key: string; parent: string; version: string }>> {
  if (parents.length === 0) return [];
  const res = await db.query<{ key: string; parent: string; version: string }>(
    `SELECT ${part.keyText()} AS key, ${part.parentText()} AS parent, ${part.version()} AS version
       FROM ${part.table} p WHERE ${part.belongsTo('$1')}`,
    [parents],
  );
  return res.rows;
}
