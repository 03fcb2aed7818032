// What `verify` needs to know of the hot side: which tickets are hot at which version, and which a mover deleted at
// which version (the ledger), over all tickets or a random sample.
import type pg from 'pg';
import type { TicketParts } from '../../core/move/aggregate.ts';
import { partPlans } from '../../core/spec/partPlan.ts';
import { partVersions, TicketOf } from './partReads.ts';
import { partSqls } from './partSql.ts';
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
    const parts = partSqls(partPlans(this.t.spec));
    if (parts.length === 0 || archives.length === 0) return Promise.resolve([]);
    return guarded('looking for parts of archived tickets', async () => {
      const found = new Set<string>();
      const ticketOf = new TicketOf();
      for (const a of archives)
        for (const [path, rows] of Object.entries(a.parts)) for (const r of rows) ticketOf.add(path, r.key, a.id);
      for (const part of parts) {
        const copied = archives.flatMap((a) => (a.parts[part.path] ?? []).map((r) => r.key));
        const still = await this.pool.query<{ key: string }>(
          `SELECT ${part.keyText()} AS key FROM ${part.table} p WHERE ${part.key()} = ANY($1::${part.keyType}[])`,
          [copied],
        );
        for (const r of still.rows) {
          const id = ticketOf.ofKey(part.path, r.key);
          if (id !== undefined) found.add(id);
        }
        const parents =
          part.plan.parent === null
            ? archives.map((a) => a.id)
            : archives.flatMap((a) => (a.parts[part.plan.parent ?? ''] ?? []).map((r) => r.key));
        for (const r of await partVersions(this.pool, part, parents)) {
          const id = ticketOf.of(part, r.parent);
          if (id !== undefined) found.add(id);
        }
      }
      return [...found];
    });
  }
}
