// The MongoDB cold store: database ticket_archive, collection tickets, _id = ticket id.
import { MongoClient, type Collection, type Long } from 'mongodb';

export const COLD_DATABASE = 'ticket_archive';
export const COLD_COLLECTION = 'tickets';

export class ColdStoreError extends Error {
  override name = 'ColdStoreError';
}

/** A cold document: _id is the ticket id (int64). Its other fields are defined by the archiver's mapping. */
export interface ColdTicketDocument {
  _id: Long | number;
  [field: string]: unknown;
}

export interface ColdStore {
  client: MongoClient;
  tickets: Collection<ColdTicketDocument>;
  close(): Promise<void>;
}

export async function connectColdStore(url: string, options: { timeoutMs?: number } = {}): Promise<ColdStore> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    // An archived copy counts only once a majority of replicas has it (a no-op on a single server).
    writeConcern: { w: 'majority', journal: true },
    readConcern: { level: 'majority' },
    retryWrites: true,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new ColdStoreError(`cold store at ${redact(url)} is unreachable: ${(err as Error).message}`, { cause: err });
  }
  const tickets = client.db(COLD_DATABASE).collection<ColdTicketDocument>(COLD_COLLECTION);
  return { client, tickets, close: () => client.close() };
}

/** A URL fit for logs and error messages: the password is replaced. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
