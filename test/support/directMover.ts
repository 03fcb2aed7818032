// The stores a mover opens, for a move a test drives itself (moveTickets with a store wrapped to inject a race): the
// default spec's hot store as a mover opens it (its checks included) and the cold store.
import type { TestContext } from 'node:test';
import type { ColdTicketStore, HotTicketStore } from '../../services/core/move/ports.ts';
import type { MoveDeps } from '../../services/core/move/moveTickets.ts';
import { typedColumns } from '../../services/core/spec/listFields.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import type { StackEnv } from '../../infra/local/stack.ts';
import { openColdStore } from '../../services/edges/coldStore/index.ts';
import { openMoverHotStore } from '../../services/edges/hotStore/index.ts';
import { defaultSpec } from './specs.ts';

export async function directMover(env: StackEnv, t: TestContext, coldAfterMs = 3600_000) {
  const hotStore = await openMoverHotStore(
    { databaseUrl: env.DATABASE_URL, applicationName: 'test-direct', poolSize: 2 },
    defaultSpec,
  );
  t.after(() => hotStore.close());
  const coldStore = await openColdStore(env.MONGODB_URL, defaultSpec);
  t.after(() => coldStore.close());
  return { hot: hotStore.tickets(coldAfterMs), coldStore };
}

/** What a mover hands the move, for one that never waits long and files every stuck deletion as due now. */
export function directMoveDeps(hot: HotTicketStore, cold: ColdTicketStore, coldAfterMs = 3600_000): MoveDeps {
  return {
    hot,
    cold,
    mover: 'test',
    lockTimeoutMs: 200,
    coldAfterMs,
    dryRun: false,
    now: () => new Date(),
    log: createLogger('test', 'silent'),
    partitionOf: () => 0,
    copy: { typed: typedColumns(defaultSpec), timeZone: 'UTC' },
    scheduleStuck: (_c, _a, now) => ({ nextAttemptAt: now, escalated: false }),
  };
}
