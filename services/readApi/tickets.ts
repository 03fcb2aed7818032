// Reading one ticket or a page of a list from the tier asked for, in the API's shape. One tier per call: nothing here
// ever reads both tiers for one answer, except the hot tier's ledger to say where a missing ticket went.
import type { RowText } from '../core/move/coldDocument.ts';
import type { ApiTicket } from '../core/read/apiSchemas.ts';
import { CLOSED, pageOf, type ListQuery, type Tier } from '../core/read/listing.ts';
import { isoTimestamp, ticketFields } from '../core/read/ticketJson.ts';
import type { ArchiveSpec } from '../core/spec/archiveSpec.ts';
import type { ColdListQuery, ColdStore } from '../edges/coldStore/index.ts';
import type { ReaderHotStore } from '../edges/hotStore/index.ts';

export type TicketAnswer =
  | { found: true; tier: Tier; ticket: ApiTicket; parts?: Record<string, ApiTicket[]> }
  | { found: false; tier: Tier; message: string; elsewhere?: { tier: Tier; archivedAt?: string } };

export interface TicketPage {
  tier: Tier;
  tickets: ApiTicket[];
  nextCursor: string | null;
}

const asTicket = (row: RowText, columns: Record<string, string>): ApiTicket => ticketFields(row, columns);

/** The cold tier's query of a list (exported for the tests' index checks). */
export function coldQuery(spec: ArchiveSpec, q: ListQuery): ColdListQuery {
  const after = q.after ? { after: { at: new Date(q.after.at), id: q.after.id } } : {};
  if (q.list === CLOSED) {
    const column = spec.activity.column;
    const match = { column, from: new Date(q.filter.from ?? 0), to: new Date(q.filter.to ?? Date.now()) };
    return { match, orderBy: column, limit: q.limit, ...after };
  }
  const list = spec.lists.find((l) => l.name === q.list);
  if (!list) throw new Error(`no list ${q.list} in the archive spec`);
  return {
    match: { column: list.column, value: q.filter.value ?? '' },
    orderBy: list.orderBy,
    limit: q.limit,
    ...after,
  };
}

export class TicketReader {
  constructor(
    private readonly spec: ArchiveSpec,
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
    if (doc) {
      const columns = doc.archive.parts?.columns ?? {};
      const parts = doc.parts
        ? Object.fromEntries(
            Object.entries(doc.parts).map(([path, rows]) => [
              path,
              rows.map((r) => asTicket(r.row, columns[path] ?? {})),
            ]),
          )
        : undefined;
      return { found: true, tier, ticket: asTicket(doc.row, doc.archive.columns), ...(parts ? { parts } : {}) };
    }
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
    if (q.tier === 'hot') {
      const { rows, columns, positions } = await this.hot.reads.list(q);
      const position = new Map(rows.map((r, i) => [r, positions[i] ?? '']));
      const keyOf = (r: RowText) => r[this.spec.key.column] ?? '';
      const page = pageOf(q, rows, (r) => ({ at: position.get(r) ?? '', id: keyOf(r) }));
      return { tier: q.tier, tickets: page.rows.map((r) => asTicket(r, columns)), nextCursor: page.nextCursor };
    }
    const cq = coldQuery(this.spec, q);
    const { docs, isArchive } = await this.cold.reads.list(cq);
    const at = (d: (typeof docs)[number]) => {
      const v = d.fields[cq.orderBy];
      return v instanceof Date ? v.toISOString() : '';
    };
    const page = pageOf(q, docs, (d) => ({ at: at(d), id: d._id }), isArchive);
    return {
      tier: q.tier,
      tickets: page.rows.map((d) => asTicket(d.row, d.archive.columns)),
      nextCursor: page.nextCursor,
    };
  }
}
