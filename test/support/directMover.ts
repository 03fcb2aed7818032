// The stores a mover opens, for a move a test drives itself (moveTickets with a store wrapped to inject a race): the
// default spec's hot store as a mover opens it (its checks included) and the cold store.
import type { TestContext } from 'node:test';
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
