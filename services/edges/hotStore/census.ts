// What `verify` needs to know of the hot side: which tickets are hot at which version, and which a mover deleted at
// which version (the ledger), over all tickets or a random sample.
import type pg from 'pg';
import { partsManifest, type TicketParts } from '../../core/move/aggregate.ts';
import { copiedTicketOf, parentKeys, partVersions, rowsOf } from './partReads.ts';
import { guarded } from './pool.ts';
import { LEDGER, type TableSql } from './tableSql.ts';

export class HotCensus {
  constructor(
    private readonly pool: pg.Pool,
    private readonly t: TableSql,
  ) {}

  /** A random sample of ticket keys, hot or deleted by a mover. */
  sampleIds(size: number): Promise<string[]> {
    const t = this.t;
    return guarded('sampling ticket keys', async () => {
      const res = await this.pool.query<{ id: string }>(
        `SELECT id FROM (SELECT ${t.keyText()} AS id FROM ${t.table} t UNION SELECT ticket_key FROM ${LEDGER}) u
          ORDER BY random() LIMIT $1`,
        [size],
      );
      return res.rows.map((r) => r.id);
    });
  }

  /** Hot tickets and their versions (all, or those of `ids`). */
  hotVersions(ids?: string[]): Promise<Map<string, string>> {
    const t = this.t;
    const where = ids ? `WHERE ${t.key()} = ANY(${t.keys('$1')})` : '';
    return this.versions(
      'reading hot versions',
      `SELECT ${t.keyText()} AS id, ${t.version()} AS version FROM ${t.table} t ${where}`,
      ids,
    );
  }

  /** Tickets a mover deleted, at the version it deleted (all, or those of `ids`). */
  archivedVersions(ids?: string[]): Promise<Map<string, string>> {
    return this.versions(
      'reading the ledger',
      `SELECT ticket_key AS id, version FROM ${LEDGER} WHERE state = 'archived' ${ids ? 'AND ticket_key = ANY($1::text[])' : ''}`,
      ids,
    );
  }

  private versions(doing: string, sql: string, ids: string[] | undefined): Promise<Map<string, string>> {
    return guarded(doing, async () => {
      const res = await this.pool.query<{ id: string; version: string }>(sql, ids ? [ids] : []);
      return new Map(res.rows.map((r) => [r.id, r.version]));
    });
  }

  /** Archived tickets (with the part rows their archives hold) that still have part rows in the hot tables: a copied
   * row still there, or a row linked to the ticket that no archive holds. By key and link: index probes. */
  hotPartsOf(archives: Array<{ id: string; parts: TicketParts }>): Promise<string[]> {
    const parts = this.t.parts;
    if (parts.length === 0 || archives.length === 0) return Promise.resolve([]);
    return guarded('looking for parts of archived tickets', async () => {
      const copied = archives.map((a) => ({ id: a.id, parts: partsManifest(a.parts) }));
      const ticketOf = copiedTicketOf(copied);
      const found = new Set<string>();
      for (const part of parts) {
        const still = await this.pool.query<{ key: string }>(
          `SELECT ${part.keyText()} AS key FROM ${part.table} p WHERE ${part.key()} = ANY($1::${part.keyType}[])`,
          [copied.flatMap((a) => rowsOf(a, part.path).map((r) => r.key))],
        );
        // A copied row still there, and a row under the ticket's parents that no archive holds.
        const ids = [
          ...still.rows.map((r) => ticketOf.ofKey(part.path, r.key)),
          ...(await partVersions(this.pool, part, parentKeys(part, copied))).map((r) => ticketOf.of(part, r.parent)),
        ];
        for (const id of ids) if (id !== undefined) found.add(id);
      }
      return [...found];
    });
  }
}
