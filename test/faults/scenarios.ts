// The faults, one per scenario. Each waits for a point in the backfill, breaks one thing, and returns once the
// broken part is back (the suite then measures how long the whole system takes to settle).
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import { waitReady } from '../support/archiverProcess.ts';
import type { FaultProxy } from '../support/faultProxy.ts';
import type { ArchiverFleet } from './archiverFleet.ts';
import { rewindGroup } from './faultActions.ts';
import type { Component, FaultStack } from './faultStack.ts';
import type { FaultTable } from './faultTable.ts';
import type { LiveTraffic } from './liveTraffic.ts';

export interface FaultContext {
  stack: FaultStack;
  table: FaultTable;
  env: StackEnv;
  groupId: string;
  fleet: ArchiverFleet;
  traffic: LiveTraffic;
  superuser: pg.Pool;
  log(m: string): void;
  /** The loaded tickets archived so far. */
  archived(): Promise<number>;
  /** Resolves once this fraction of the loaded cold tickets is archived. */
  progress(fraction: number): Promise<void>;
  /** Resolves once the topic has grown by this fraction of the loaded tickets since the backfill began (snapshot reads). */
  snapshotProgress(fraction: number): Promise<void>;
  /** What the scenario did, for the result row. */
  notes: string[];
  /** The network scenario's: Toxiproxy between the archivers and the stores (proxies `hot` and `cold`). */
  network?: FaultProxy;
  /** Set by the schema-change scenario: archives of rows deleted after `since` must carry the column. */
  addedColumn?: { name: string; value: string; since: Date };
}

export interface Scenario {
  name: string;
  title: string;
  /** The component it breaks (the short form picks one scenario per component). */
  component:
    | 'archiver'
    | 'kafka-connect'
    | 'kafka'
    | 'postgres'
    | 'cold-store'
    | 'consumer group'
    | 'schema'
    | 'traffic'
    | 'kafka cluster'
    | 'kafka-connect workers'
    | 'network';
  /** On the wiped stack, before the table is loaded. */
  afterFresh?(stack: FaultStack, log: (m: string) => void): Promise<void>;
  /** Its archivers reach the stores through Toxiproxy (ctx.network). */
  network?: boolean;
  /** Needs the cluster stack (`--cluster`: three Kafka nodes, two Connect workers; clusterScenarios.ts). */
  cluster?: boolean;
  inject(ctx: FaultContext): Promise<void>;
}

export const scenarios: Scenario[] = [
  {
    name: 'kill-archiver',
    title: 'kill -9 an archiver in the middle of a batch, five times during one backfill',
    component: 'archiver',
    async inject(ctx) {
      const points = [0.1, 0.25, 0.4, 0.55, 0.7];
      for (const [i, point] of points.entries()) {
        await ctx.progress(point);
        const victim = ctx.fleet.members[i % ctx.fleet.members.length];
        if (!victim) throw new Error('no archiver to kill');
        const { inFlight } = await ctx.fleet.kill9MidMove(victim);
        ctx.notes.push(`kill -9 #${i + 1} at ${Math.round(point * 100)}% with ${inFlight} tickets in flight`);
      }
    },
  },
  {
    name: 'restart-connect',
    title: 'restart Kafka Connect; the connector resumes from its stored offsets',
    component: 'kafka-connect',
    async inject(ctx) {
      // While Debezium is still reading the table (an incremental snapshot in chunks), not after it has finished.
      await ctx.snapshotProgress(0.3);
      await ctx.stack.restart('kafka-connect');
      ctx.notes.push(
        'Kafka Connect stopped and started when 30% of the table had been read by the incremental snapshot',
      );
    },
  },
  {
    name: 'restart-kafka',
    title: 'restart the Kafka broker',
    component: 'kafka',
    inject: (ctx) => restartAt(ctx, 0.3, 'kafka', 5000, 'broker stopped at 30%, down 5 s'),
  },
  {
    name: 'restart-postgres',
    title: 'restart PostgreSQL',
    component: 'postgres',
    inject: (ctx) => restartAt(ctx, 0.3, 'postgres', 5000, 'hot PostgreSQL stopped (fast shutdown) at 30%, down 5 s'),
  },
  {
    name: 'stop-cold-store',
    title: 'stop the cold store for 30 s',
    component: 'cold-store',
    inject: (ctx) =>
      restartAt(ctx, 0.3, 'cold-store', 30_000, `cold store (${ctx.stack.coldStoreKind}) stopped at 30% for 30 s`),
  },
  {
    name: 'rebalance-storm',
    title: 'rebalance storm: a third archiver joins and leaves repeatedly',
    component: 'consumer group',
    async inject(ctx) {
      for (let i = 0; i < 5; i++) {
        await ctx.progress(0.1 + 0.12 * i);
        const third = ctx.fleet.start();
        await waitReady(third, 120_000);
        await sleep(3000);
        await ctx.fleet.stop(third);
      }
      ctx.notes.push('a third archiver joined and left 5 times between 10% and 58%');
    },
  },
  {
    name: 'redelivery',
    title: 'redelivery: the consumer group rewound by a few thousand offsets mid-run',
    component: 'consumer group',
    async inject(ctx) {
      await ctx.progress(0.4);
      // Offsets of a group can only be moved while it has no members: stop, rewind, start again.
      await ctx.fleet.stopAll();
      const rewound = await rewindGroup(ctx.env, ctx.groupId, 3000);
      await ctx.fleet.startReady(2);
      ctx.notes.push(`group rewound by ${rewound} offsets at 40%`);
    },
  },
  {
    name: 'add-column',
    title: 'ALTER TABLE ... ADD COLUMN with a default while moves run',
    component: 'schema',
    async inject(ctx) {
      await ctx.progress(0.4);
      // As a careful operator runs DDL on a busy table: a short lock_timeout, retried, so it never queues traffic.
      for (let attempt = 1; ; attempt++) {
        try {
          await ctx.superuser.query(`SET lock_timeout = '2s'; ${ctx.table.addColumnSql('priority')}`);
          ctx.addedColumn = { name: 'priority', value: 'normal', since: new Date() };
          ctx.notes.push(`priority column added at 40% (attempt ${attempt})`);
          return;
        } catch (err) {
          if (attempt >= 30) throw err;
          await sleep(500);
        }
      }
    },
  },
  {
    name: 'update-burst',
    title: 'a burst of business updates aimed at the tickets being moved',
    component: 'traffic',
    async inject(ctx) {
      for (const point of [0.3, 0.6]) {
        await ctx.progress(point);
        const n = await ctx.traffic.burst(2000);
        ctx.notes.push(`${n} reopens and edits at the moving front at ${Math.round(point * 100)}%`);
      }
    },
  },
];

/** Once `fraction` of the backfill is archived, stops `component`, keeps it down for `downMs`, and starts it again. */
async function restartAt(
  ctx: FaultContext,
  fraction: number,
  component: Component,
  downMs: number,
  note: string,
): Promise<void> {
  await ctx.progress(fraction);
  await ctx.stack.restart(component, downMs);
  ctx.notes.push(note);
}
