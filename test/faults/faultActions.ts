// The faults as actions that strike at once (the random-fault run's; the nine scenarios time theirs by progress).
// One strike may hold several: the stack's components named in it go down together and come back with one start.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import { createKafka } from '../../services/edges/kafka/client.ts';
import { waitReady } from '../support/archiverProcess.ts';
import type { ArchiverFleet } from './archiverFleet.ts';
import type { Component, FaultStack } from './faultStack.ts';
import type { FaultTable } from './faultTable.ts';
import type { LiveTraffic } from './liveTraffic.ts';
import type { FaultKind } from './randomSchedule.ts';

export interface StrikeContext {
  stack: FaultStack;
  table: FaultTable;
  env: StackEnv;
  groupId: string;
  fleet: ArchiverFleet;
  traffic: LiveTraffic;
  superuser: pg.Pool;
  /** Columns added so far (each strike of add-column adds one). */
  addedColumns: Array<{ name: string; value: string; since: Date }>;
  random(): number;
}

/** Components a fault takes down, and for how long. */
const DOWN: Partial<Record<FaultKind, [Component, number]>> = {
  'restart-connect': ['kafka-connect', 0],
  'restart-kafka': ['kafka', 5000],
  'restart-postgres': ['postgres', 5000],
  'stop-cold-store': ['cold-store', 30_000],
};

/** Strikes with every fault of `kinds` at once; returns a note per fault (an injection that failed says why). */
export async function strike(ctx: StrikeContext, kinds: FaultKind[]): Promise<string[]> {
  const down = kinds.flatMap((k) => (DOWN[k] ? [DOWN[k]] : []));
  const others = kinds.filter((k) => !DOWN[k]);
  const outage = async (): Promise<string[]> => {
    if (down.length === 0) return [];
    for (const [component] of down) await ctx.stack.stop(component);
    await sleep(Math.max(...down.map(([, ms]) => ms)));
    await ctx.stack.up();
    return down.map(([component, ms]) => `${component} down ${ms / 1000} s`);
  };
  const results = await Promise.allSettled([outage(), ...others.map(async (k) => [await act(ctx, k)])]);
  return results.flatMap((r, i) =>
    r.status === 'fulfilled'
      ? r.value
      : [`${i === 0 ? 'outage' : others[i - 1]} failed to inject: ${(r.reason as Error).message}`],
  );
}

async function act(ctx: StrikeContext, kind: FaultKind): Promise<string> {
  switch (kind) {
    case 'kill-archiver': {
      const victim = ctx.fleet.members[Math.floor(ctx.random() * ctx.fleet.members.length)];
      if (!victim) return 'kill-archiver: no archiver running';
      const { inFlight } = await ctx.fleet.kill9MidMove(victim, 10_000);
      return `kill -9 ${victim.name} with ${inFlight} tickets in flight`;
    }
    case 'rebalance-storm': {
      for (let i = 0; i < 3; i++) {
        const third = ctx.fleet.start();
        await waitReady(third, 120_000);
        await sleep(3000);
        await ctx.fleet.stop(third);
      }
      return 'a third archiver joined and left 3 times';
    }
    case 'redelivery': {
      try {
        // Offsets of a group can only be moved while it has no members: stop, rewind, start again.
        await ctx.fleet.stopAll();
        return `group rewound by ${await rewindGroup(ctx.env, ctx.groupId, 3000)} offsets`;
      } finally {
        // Not waited for: with a store down in the same strike a starting archiver exits, and the fleet starts it
        // again, as a Deployment would.
        ctx.fleet.start();
        ctx.fleet.start();
      }
    }
    case 'add-column': {
      const name = `priority_${ctx.addedColumns.length + 1}`;
      for (let attempt = 1; ; attempt++) {
        try {
          await ctx.superuser.query(`SET lock_timeout = '2s'; ${ctx.table.addColumnSql(name)}`);
          ctx.addedColumns.push({ name, value: 'normal', since: new Date() });
          return `column ${name} added (attempt ${attempt})`;
        } catch (err) {
          if (attempt >= 30) throw err;
          await sleep(500);
        }
      }
    }
    case 'update-burst':
      return `${await ctx.traffic.burst(2000)} reopens and edits at the moving front`;
    default:
      throw new Error(`${kind} is an outage of a component, not an action`);
  }
}

/** Moves the group's committed offsets back by about `total` messages, spread over the partitions. */
export async function rewindGroup(env: StackEnv, groupId: string, total: number): Promise<number> {
  const admin = createKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'faults-rewind', quiet: true }).admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [env.TICKETS_TOPIC] });
    const lows = new Map((await admin.fetchTopicOffsets(env.TICKETS_TOPIC)).map((p) => [p.partition, Number(p.low)]));
    const parts = committed?.partitions ?? [];
    const per = Math.ceil(total / Math.max(1, parts.length));
    let rewound = 0;
    const partitions = parts.map((p) => {
      const to = Math.max(lows.get(p.partition) ?? 0, Number(p.offset) - per);
      rewound += Math.max(0, Number(p.offset) - to);
      return { partition: p.partition, offset: String(to) };
    });
    await admin.setOffsets({ groupId, topic: env.TICKETS_TOPIC, partitions });
    return rewound;
  } finally {
    await admin.disconnect();
  }
}
