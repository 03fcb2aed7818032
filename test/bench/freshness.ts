// Freshness in steady state: tickets closed so that they fall due one after another while the system runs; each
// one's delay is from the moment it is due to the first poll that finds it gone from the hot table.
import type pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FreshnessRound {
  /** Delay per ticket, seconds (resolution: the poll interval); negative would mean moved before due. */
  delaysSeconds: number[];
  /** Tickets still hot when the round gave up waiting. */
  notMoved: number;
}

const POLL_MS = 200;

/**
 * Inserts `count` closed tickets due evenly over `spreadSeconds`, the first `leadSeconds` from now (time for the
 * insert events to reach the archiver first), then polls until every one is gone or `giveUpSeconds` after the last
 * one was due. Due times come from the database's clock, as the cold rule does.
 */
export async function measureFreshness(
  db: pg.Pool,
  o: { count: number; spreadSeconds: number; leadSeconds: number; coldAfterMs: number; giveUpSeconds: number },
): Promise<FreshnessRound> {
  const { rows } = await db.query<{ id: string; due_ms: string }>(
    `INSERT INTO public.tickets (customer_id, status, subject, body, last_operated_at, last_operator_id, last_operator_group_id, priority, channel)
     SELECT 200000 + g, 'closed', '已解决 resolved ✅ #' || g, repeat('Thanks, that fixed it. 谢谢！👍 ', 1 + g % 40),
            now() - $3 * interval '1 millisecond' + ($4 + $2 * (g - 1)::float8 / greatest(1, $1 - 1)) * interval '1 second', g % 2000, g % 60, 2, 'chat'
       FROM generate_series(1, $1::int) g
     RETURNING id::text, (extract(epoch FROM last_operated_at) * 1000 + $3)::bigint::text AS due_ms`,
    [o.count, o.spreadSeconds, o.coldAfterMs, o.leadSeconds],
  );
  const due = new Map(rows.map((r) => [r.id, Number(r.due_ms)]));
  const lastDue = Math.max(...due.values());
  const delaysSeconds: number[] = [];
  let pending = [...due.keys()];
  while (pending.length > 0 && Date.now() < lastDue + o.giveUpSeconds * 1000) {
    await sleep(POLL_MS);
    const polledAt = Date.now();
    const { rows: still } = await db.query<{ id: string }>(
      'SELECT id::text FROM public.tickets WHERE id = ANY($1::bigint[])',
      [pending],
    );
    const hot = new Set(still.map((r) => r.id));
    for (const id of pending) if (!hot.has(id)) delaysSeconds.push((polledAt - (due.get(id) as number)) / 1000);
    pending = pending.filter((id) => hot.has(id));
  }
  return { delaysSeconds, notMoved: pending.length };
}
