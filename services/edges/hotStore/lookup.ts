// Whether tickets are in the hot table, and at which version: the existence check every job may make (reads, restores,
// audits), apart from the cold rule, which only the movers apply.
import type pg from 'pg';
import { guarded } from './pool.ts';

export interface HotPresence {
  version: string;
  status: string;
}

export class HotLookup {
  constructor(private readonly pool: pg.Pool) {}

  /** Each of `ids` that is in the hot table, with its version and status. */
  present(ids: string[]): Promise<Map<string, HotPresence>> {
    if (ids.length === 0) return Promise.resolve(new Map<string, HotPresence>());
    return guarded('looking tickets up', async () => {
      const res = await this.pool.query<{ id: string; version: string; status: string }>(
        'SELECT t.id, t.version, t.status FROM public.tickets t WHERE t.id = ANY($1::bigint[])',
        [ids],
      );
      return new Map(res.rows.map((r) => [r.id, { version: r.version, status: r.status }]));
    });
  }
}
