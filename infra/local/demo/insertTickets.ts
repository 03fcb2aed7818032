// Writes of the demo's sample tickets into the hot table in multi-row INSERTs (one round trip per chunk).
import type pg from 'pg';
import type { SampleTicket } from './sampleTickets.ts';

const COLUMNS = [
  'customer_id',
  'status',
  'subject',
  'body',
  'created_at',
  'last_operated_at',
  'last_operator_id',
  'last_operator_group_id',
] as const;

export async function insertTickets(db: pg.Pool | pg.Client, tickets: SampleTicket[], chunk = 500): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < tickets.length; i += chunk) {
    const part = tickets.slice(i, i + chunk);
    const params: unknown[] = [];
    const rows = part.map((t) => {
      const placeholders = COLUMNS.map((c) => {
        params.push(t[c]);
        return `$${params.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    const res = await db.query<{ id: string }>(
      `INSERT INTO public.tickets (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')} RETURNING id`,
      params,
    );
    ids.push(...res.rows.map((r) => r.id));
  }
  return ids;
}
