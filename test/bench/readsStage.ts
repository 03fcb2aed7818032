// The reads part: `ticket-archiver serve` on a table the direct backfill has split into its two tiers, and the
// latency of what business code asks most, side by side for each tier: one ticket by id, and one page (50) of a
// customer's tickets. One client, requests one after another (latency, not throughput), after a warm-up.
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import { archiverEnv } from '../support/archiverEnv.ts';
import { startArchiverProcess, waitReady } from '../support/archiverProcess.ts';
import type { IsolatedStack } from '../support/isolatedStack.ts';
import { runCli } from '../support/runCli.ts';
import { LEDGER } from '../../services/edges/hotStore/tableSql.ts';
import { prepare, type StageOptions } from './stage.ts';
import { distribution, type Distribution } from './stats.ts';

export interface ReadsResult {
  tickets: number;
  hot: number;
  archived: number;
  /** Per kind of read: latency in ms of `requests` sequential requests, and the share that answered 200. */
  reads: Array<{ kind: string; tier: 'hot' | 'cold'; latency: Distribution; ok: number }>;
  /** The customer page's p99 (ms) in each tier: the goal is cold ≤ 2x hot. */
  coldPageP99Ms: number;
  hotPageP99Ms: number;
  notes: string[];
}

interface ReadsOptions {
  tickets: number;
  coldAfterMs: number;
  /** What runs the backfill and `serve` (runCli's `program`); the TypeScript under tsx when not given. */
  program?: string[];
  log(m: string): void;
}

const REQUESTS = 1000;
const WARM_UP = 100;
const PAGE = 50;
const CUSTOMER_PAGE = `customer page (${PAGE})`;

export async function readsStage(stack: IsolatedStack, o: StageOptions): Promise<ReadsResult> {
  const { env, stores } = await prepare(stack, o, 'none');
  try {
    await splitTiers(env, o);
    return await measureReads(env, stores.pool, o);
  } finally {
    await stores.close();
  }
}

/** Moves every cold ticket with the direct backfill: the hot table keeps the rest. */
export async function splitTiers(env: StackEnv, o: ReadsOptions): Promise<void> {
  o.log('splitting the table into its tiers with the direct backfill');
  const settings = { COLD_AFTER: `${o.coldAfterMs}ms` };
  const backfill = await runCli(['backfill'], archiverEnv(env, settings), 4 * 3_600_000, o.program);
  if (backfill.code !== 0) throw new Error(`backfill exited with ${backfill.code}: ${backfill.stderr.slice(-2000)}`);
}

/** The reads of each tier through `serve`, on a table already split (by `splitTiers`). */
export async function measureReads(env: StackEnv, pool: pg.Pool, o: ReadsOptions): Promise<ReadsResult> {
  const settings = { COLD_AFTER: `${o.coldAfterMs}ms` };
  const sample = async (sql: string) => (await pool.query<{ v: string }>(sql)).rows.map((r) => r.v);
  const hotIds = await sample(
    `SELECT id::text AS v FROM public.tickets TABLESAMPLE SYSTEM (5) LIMIT ${REQUESTS + WARM_UP}`,
  );
  const coldIds = await sample(
    `SELECT ticket_key AS v FROM ${LEDGER} WHERE state = 'archived' ORDER BY random() LIMIT ${REQUESTS + WARM_UP}`,
  );
  const counts = await pool.query<{ hot: string; archived: string }>(
    `SELECT (SELECT count(*) FROM public.tickets)::text AS hot, (SELECT count(*) FROM ${LEDGER} WHERE state = 'archived')::text AS archived`,
  );
  const serve = startArchiverProcess(env, settings, [], ['serve'], o.program);
  try {
    await waitReady(serve, 120_000);
    const base = `http://127.0.0.1:${await serve.port()}`;
    // The customers of the sampled tickets, read once (unmeasured): a page of each tier is then a real customer's.
    const customerOf = async (id: string, tier: string) => {
      const body = (await (await fetch(`${base}/tickets/${id}?tier=${tier}`)).json()) as {
        ticket?: { customer_id?: string };
      };
      return body.ticket?.customer_id ?? '0';
    };
    const hotCustomers = await Promise.all(hotIds.slice(0, 200).map((id) => customerOf(id, 'hot')));
    const coldCustomers = await Promise.all(coldIds.slice(0, 200).map((id) => customerOf(id, 'cold')));
    const measure = async (kind: string, tier: 'hot' | 'cold', paths: string[]) => {
      const latencies: number[] = [];
      let ok = 0;
      for (const [i, path] of paths.entries()) {
        const started = performance.now();
        const res = await fetch(`${base}${path}`);
        await res.arrayBuffer();
        if (i < WARM_UP) continue;
        latencies.push(performance.now() - started);
        if (res.status === 200) ok++;
      }
      const latency = distribution(latencies);
      o.log(`${kind} ${tier}: p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms`);
      return { kind, tier, latency, ok: ok / latencies.length };
    };
    const pick = <T>(list: T[], i: number) => list[i % list.length] as T;
    const reads = [
      await measure(
        'by id',
        'hot',
        hotIds.map((id) => `/tickets/${id}`),
      ),
      await measure(
        'by id',
        'cold',
        coldIds.map((id) => `/tickets/${id}?tier=cold`),
      ),
      await measure(
        CUSTOMER_PAGE,
        'hot',
        hotIds.map((_, i) => `/lists/customer/${pick(hotCustomers, i)}/tickets?limit=${PAGE}`),
      ),
      await measure(
        CUSTOMER_PAGE,
        'cold',
        coldIds.map((_, i) => `/lists/customer/${pick(coldCustomers, i)}/tickets?tier=cold&limit=${PAGE}`),
      ),
    ];
    const pageP99 = (tier: 'hot' | 'cold') =>
      reads.find((r) => r.kind === CUSTOMER_PAGE && r.tier === tier)?.latency.p99 ?? Number.NaN;
    return {
      tickets: o.tickets,
      hot: Number(counts.rows[0]?.hot),
      archived: Number(counts.rows[0]?.archived),
      reads,
      coldPageP99Ms: pageP99('cold'),
      hotPageP99Ms: pageP99('hot'),
      notes: [
        `${REQUESTS} requests per kind after ${WARM_UP} unmeasured, one client, sequential; the API, the stores and the client share the machine`,
      ],
    };
  } finally {
    await serve.stop();
  }
}
