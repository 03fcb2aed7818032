// What the read API's integration tests share: `ticket-archiver serve` as a real child process, its answers as JSON,
// every page of a list, and tickets archived by a real archiver.
import assert from 'node:assert/strict';
import { PROBLEM_MEDIA_TYPE, problemSchema, type Problem } from '../../services/core/read/problem.ts';
import { startArchiverProcess, waitFor, waitReady, type ArchiverProcess } from './archiverProcess.ts';
import type { Harness } from './harness.ts';
import { archivedCount, hotIds } from './tickets.ts';

export const TOKEN = 'test-token-0123456789abcdef';

export interface Json {
  [k: string]: unknown;
}

export interface Serve {
  process: ArchiverProcess;
  base: string;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: Json; headers: Headers }>;
  stop(): Promise<void>;
}

/** `ticket-archiver serve` on a free port, with the token, ready to answer. */
export async function startServe(h: Harness, overrides: Record<string, string> = {}): Promise<Serve> {
  const process = startArchiverProcess(h.env, { API_TOKEN: TOKEN, COLD_AFTER: '30d', ...overrides }, [], ['serve']);
  await waitReady(process, 120_000);
  const base = `http://127.0.0.1:${await process.port()}`;
  return {
    process,
    base,
    async get(path, headers = {}) {
      const res = await fetch(`${base}${path}`, { headers });
      return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
    },
    async stop() {
      await process.stop();
    },
  };
}

/** An answer that must be problem details of `status`: its media type and its one shape. */
export async function problemOf(res: Response, status: number): Promise<Problem> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.equal(res.headers.get('content-type'), `${PROBLEM_MEDIA_TYPE}; charset=utf-8`, text);
  const problem = problemSchema.parse(JSON.parse(text));
  assert.equal(problem.status, status);
  return problem;
}

/** Every page of a list, following nextCursor; `between` runs after each page. */
export async function allPages(
  api: Serve,
  path: string,
  limit: number,
  between: () => Promise<unknown> = () => Promise.resolve(),
): Promise<Json[]> {
  const tickets: Json[] = [];
  for (let cursor: string | null = null, pages = 0; ; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await api.get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    tickets.push(...(res.body.tickets as Json[]));
    cursor = res.body.nextCursor as string | null;
    if (!cursor) return tickets;
    assert.ok(pages < 10_000);
    await between();
  }
}

/** Descending by (created_at, id), as a customer's list sorts; at millisecond precision for the cold tier. */
export function assertNewestFirst(tickets: Json[], ms: boolean): void {
  const key = (t: Json) =>
    [ms ? Date.parse(String(t.created_at)) : String(t.created_at), BigInt(String(t.id))] as const;
  for (let i = 1; i < tickets.length; i++) {
    const [a, ai] = key(tickets[i - 1] as Json);
    const [b, bi] = key(tickets[i] as Json);
    assert.ok(a > b || (a === b && ai > bi), `order at ${i}: ${String(a)}/${ai} then ${String(b)}/${bi}`);
  }
}

/** Runs an archiver (group `groupId`) until every one of `ids` (all of `customer`'s cold ones) is archived. */
export async function archiveAll(h: Harness, ids: string[], customer: number, groupId: string): Promise<void> {
  const a = startArchiverProcess(h.env, { ARCHIVER_GROUP_ID: groupId, COLD_AFTER: '30d' });
  try {
    await waitReady(a, 120_000);
    await waitFor('every cold ticket gone from hot', async () => (await hotIds(h.stores.db, ids)).size === 0, 180_000);
    await waitFor(
      'every copy archived',
      async () => (await archivedCount(h.stores.cold, customer)) >= ids.length,
      60_000,
    );
  } finally {
    await a.stop();
  }
}
