// What both stores hold, as a digest per collection and table (every document and row), so a test can show that a
// command changed nothing at all (a dry run): not a document or row added, removed or altered.
import { createHash } from 'node:crypto';
import { BSON } from 'mongodb';
import type { Stores } from './stores.ts';

export async function storeDigests(stores: Stores): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  const db = stores.coldStore.client.db('ticket_archive');
  for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const hash = createHash('sha256');
    let n = 0;
    for await (const doc of db.collection(c.name).find({}).sort({ _id: 1 })) {
      hash.update(BSON.EJSON.stringify(doc, { relaxed: false }));
      n++;
    }
    digests[`cold ${c.name}`] = `${n} ${hash.digest('hex')}`;
  }
  for (const table of ['public.tickets', 'ticket_archiver.ledger']) {
    const key = table === 'public.tickets' ? 'id' : 'ticket_key';
    const res = await stores.db.query<{ d: string }>(
      `SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, ',' ORDER BY ${key})), '') AS d FROM ${table} t`,
    );
    digests[`hot ${table}`] = res.rows[0]?.d ?? '';
  }
  return digests;
}
