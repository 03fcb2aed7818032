// Test tickets: written with explicit states and ages, read back as exact text, looked up in the cold store.
import { Long } from 'mongodb';
import type pg from 'pg';
import type { RowText } from '../../services/core/move/coldDocument.ts';
import type { StoredColdDocument } from '../../services/edges/coldStore/documents.ts';
import type { ColdCollections } from './stores.ts';

export interface TicketSpec {
  status: 'unassigned' | 'in_progress' | 'closed';
  /** last_operated_at = now() - ageSeconds (negative: in the future). */
  ageSeconds: number;
  body?: string;
  customerId?: number;
}

export async function insertTickets(db: pg.Pool | pg.Client, specs: TicketSpec[], chunk = 1000): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < specs.length; i += chunk) {
    const part = specs.slice(i, i + chunk);
    const res = await db.query<{ id: string }>(
      `INSERT INTO public.tickets (customer_id, status, subject, body, created_at, last_operated_at, last_operator_id, last_operator_group_id)
       SELECT c, s, 'test ticket', b, now() - (a * interval '1 second') - interval '1 day', now() - (a * interval '1 second'), 7, 3
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[]) AS x(c, s, b, a)
       RETURNING id`,
      [
        part.map((t) => t.customerId ?? 4242),
        part.map((t) => t.status),
        part.map((t) => t.body ?? 'body'),
        part.map((t) => t.ageSeconds),
      ],
    );
    ids.push(...res.rows.map((r) => String(r.id)));
  }
  return ids;
}

/** The rows as exact text (use a pool from createMoverPool). */
export async function rowsAsText(moverPool: pg.Pool, ids: string[]): Promise<Map<string, RowText>> {
  const res = await moverPool.query<RowText>('SELECT * FROM public.tickets WHERE id = ANY($1::bigint[])', [ids]);
  return new Map(res.rows.map((r) => [r.id as string, r]));
}

export async function hotIds(db: pg.Pool | pg.Client, ids: string[]): Promise<Set<string>> {
  const res = await db.query<{ id: string }>('SELECT id::text AS id FROM public.tickets WHERE id = ANY($1::bigint[])', [
    ids,
  ]);
  return new Set(res.rows.map((r) => r.id));
}

/** A customer id no other test uses: a test finds its own cold documents by it (an indexed typed field). */
export function testCustomer(): number {
  return 1_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
}

/** Cold documents of a test customer's tickets, by ticket id. */
export async function coldDocs(cold: ColdCollections, customerId: number): Promise<Map<string, StoredColdDocument[]>> {
  const docs = await cold.tickets.find({ 'fields.customer_id': Long.fromNumber(customerId) }).toArray();
  const byId = new Map<string, StoredColdDocument[]>();
  for (const d of docs) byId.set(d._id.toString(), [...(byId.get(d._id.toString()) ?? []), d]);
  return byId;
}

/** Archives of a test customer's tickets (core/move/moveProtocol.ts: by their own state or their move's commit). */
export async function archivedCount(cold: ColdCollections, customerId: number): Promise<number> {
  const docs = await cold.tickets
    .find({ 'fields.customer_id': Long.fromNumber(customerId) }, { projection: { row: 0 } })
    .toArray();
  return (await cold.archives(docs)).length;
}
