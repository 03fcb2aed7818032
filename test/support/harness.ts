// The shared setup of archiver integration tests: the stack, store connections, and archiver processes that are
// stopped after each test.
import { after, afterEach, before } from 'node:test';
import type { StackEnv } from '../../infra/local/stack.ts';
import { startArchiverProcess, waitReady, type ArchiverProcess } from './archiverProcess.ts';
import { ensureStack } from './stack.ts';
import { openStores, type Stores } from './stores.ts';

export interface Harness {
  env: StackEnv;
  stores: Stores;
  /** Starts an archiver process (stopped after the test) and waits until it is ready. */
  archiver(overrides: Record<string, string>): Promise<ArchiverProcess>;
  /** Starts one without waiting (stopped after the test). */
  spawn(overrides: Record<string, string>): ArchiverProcess;
}

export function archiverHarness(defaults: Record<string, string> = {}): Harness {
  const running: ArchiverProcess[] = [];
  const h: Harness = {
    env: undefined as unknown as StackEnv,
    stores: undefined as unknown as Stores,
    spawn(overrides) {
      const a = startArchiverProcess(h.env, { ...defaults, ...overrides });
      running.push(a);
      return a;
    },
    async archiver(overrides) {
      const a = h.spawn(overrides);
      await waitReady(a);
      return a;
    },
  };
  before(async () => {
    h.env = await ensureStack();
    h.stores = await openStores(h.env);
  });
  afterEach(async () => {
    for (const a of running.splice(0)) await a.stop();
  });
  after(async () => h.stores?.close());
  return h;
}
