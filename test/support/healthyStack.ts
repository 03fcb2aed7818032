// The operators' commands read the whole stack: a test of one starts from a stack in good order.
import assert from 'node:assert/strict';
import { stackUp } from '../../infra/local/stack.ts';
import { archiverEnv } from './archiverEnv.ts';
import type { Harness } from './harness.ts';
import { runCli } from './runCli.ts';

/** A healthy stack: every component up, a recent completed reconcile pass, no escalation left by earlier tests. */
export async function healthyStack(h: Harness): Promise<void> {
  await stackUp(() => undefined);
  await h.stores.cold.stuck.deleteMany({ escalated: true });
  const pass = await runCli(['reconcile', '--once'], archiverEnv(h.env, { COLD_AFTER: '1h' }), 300_000);
  assert.equal(pass.code, 0, pass.stderr.slice(-2000));
}
