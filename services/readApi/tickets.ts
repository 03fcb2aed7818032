// Reading one ticket or a page of a list from the tier asked for, in the API's shape. One tier per call: nothing here
// ever reads both tiers for one answer, except the hot tier's ledger to say where a missing ticket went.
import type { ApiTicket } from '../core/read/apiSchemas.ts';
import type { RowText } from '../core/move/coldDocument.ts';
import { isoTimestamp, ticketFields } from '../core/read/ticketJson.ts';
import { LIST_ORDER, pageOf, type ListQuery, type Tier } from '../core/read/listing.ts';
import type { ColdStore } from '../edges/coldStore/index.ts';
import type { ReaderHotStore } from '../edges/hotStore/index.ts';

export type TicketAnswer =
  | { found: true; tier: Tier; ticket: ApiTicket }
  | { found: false; tier: Tier; message: string; elsewhere?: { tier: Tier; archivedAt?: string } };

export interface TicketPage {
  tier: Tier;
  tickets: ApiTicket[];
  nextCursor: string | null;
}

/** A row of public.tickets (which always has the brief's columns) in the API's shape. */
function asTicket(row: RowText, columns: Record<string, string>): ApiTicket {
  return ticketFields(row, columns) as ApiTicket;
}

export class TicketReader {
  constructor(
    private readonly hot: ReaderHotStore,
    private readonly cold: ColdStore,
  ) {}

  async ticket(id: string, tier: Tier): Promise<TicketAnswer> {
    if (tier === 'hot') {
      const { rows, columns } = await this.hot.reads.ticket(id);
      if (rows[0]) return { found: true, tier, ticket: asTicket(rows[0], columns) };
      // The ledger sits beside the table: where an archived ticket went is known without asking the cold store.
      const ledgerAt = await this.hot.reads.archivedAt(id);
      const archivedAt = ledgerAt === undefined ? undefined : isoTimestamp(ledgerAt, true);
      return archivedAt
        ? {
            found: false,
            tier,
            message: `ticket ${id} was archived at ${archivedAt}; read it with tier=cold`,
            elsewhere: { tier: 'cold', archivedAt },
          }
        : { found: false, tier, message: `ticket ${id} is not in the hot table` };
    }
    const doc = await this.cold.reads.archive(id);
    if (doc) return { found: true, tier, ticket: asTicket(doc.row, doc.archive.columns) };
    const hot = await this.hot.lookup.present([id]);
    return hot.has(id)
      ? {
          found: false,
          tier,
          message: `ticket ${id} is hot (not archived); read it without tier=cold`,
          elsewhere: { tier: 'hot' },
        }
      : { found: false, tier, message: `ticket ${id} is not in the archive` };
  }

  async page(q: ListQuery): Promise<TicketPage> {
    const { column } = LIST_ORDER[q.view];
    if (q.tier === 'hot') {
      const { rows, columns } = await this.hot.reads.list(q);
      const page = pageOf(q, rows, (r) => ({ at: r[column] ?? '', id: r.id ?? '' }));
      return { tier: q.tier, tickets: page.rows.map((r) => asTicket(r, columns)), nextCursor: page.nextCursor };
    }
    const { docs, isArchive } = await this.cold.reads.list(q);
    const page = pageOf(q, docs, (d) => ({ at: d[column]?.toISOString() ?? '', id: d._id }), isArchive);
    return {
      tier: q.tier,
      tickets: page.rows.map((d) => asTicket(d.row, d.archive.columns)),
      nextCursor: page.nextCursor,
    };
  }
}
