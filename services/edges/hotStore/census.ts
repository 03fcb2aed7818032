// What `verify` needs to know of the hot side: which tickets are hot at which version, and which a mover deleted at
// which version (the ledger), over all tickets or a random sample.
import type pg from 'pg';
import { guarded } from './pool.ts';

export class HotCensus {
  constructor(private readonly pool: pg.Pool) {}

  /** A random sample of ticket ids, hot or deleted by a mover. */
  sampleIds(size: number): Promise<string[]> {
    return guarded('sampling ticket ids', async () => {
      const res = await this.pool.query<{ id: string }>(
        `SELECT id::text AS id FROM (SELECT id FROM public.tickets UNION SELECT ticket_id FROM public.ticket_archiver_ledger) u
          ORDER BY random() LIMIT $1`,
        [size],
      );
      return res.rows.map((r) => r.id);
    });
  }

  /** Hot tickets and their versions (all, or those of `ids`). */
  hotVersions(ids?: string[]): Promise<Map<string, string>> {
    return this.versions(
      'reading hot versions',
      `SELECT id::text AS id, version::text AS version FROM public.tickets ${ids ? 'WHERE id = ANY($1::bigint[])' : ''}`,
      ids,
    );
  }

  /** Tickets a mover deleted, at the version it deleted (all, or those of `ids`). */
  archivedVersions(ids?: string[]): Promise<Map<string, string>> {
    return this.versions(
      'reading the ledger',
      `SELECT ticket_id::text AS id, version::text AS version FROM public.ticket_archiver_ledger
        WHERE state = 'archived' ${ids ? 'AND ticket_id = ANY($1::bigint[])' : ''}`,
      ids,
    );
  }

  private versions(doing: string, sql: string, ids: string[] | undefined): Promise<Map<string, string>> {
    return guarded(doing, async () => {
      const res = await this.pool.query<{ id: string; version: string }>(sql, ids ? [ids] : []);
      return new Map(res.rows.map((r) => [r.id, r.version]));
    });
  }
}
