// The fault suite's own local stack: the project's stack scripts with a separate directory and ports, so breaking
// it never touches the developer's stack (or the other tests'), and each scenario starts from a wiped one.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot, stackSettings } from '../../infra/local/settings.ts';
import { stackDown, stackEnv, stackUp, type StackEnv } from '../../infra/local/stack.ts';
import { loadVersions } from '../../infra/local/versions.ts';
import { stopKafka } from '../../infra/local/components/kafka.ts';
import { stopConnect } from '../../infra/local/components/connect.ts';
import { stopPostgres } from '../../infra/local/components/postgres.ts';
import { coldStoreKind, stopColdStore } from '../../infra/local/components/coldStore.ts';

export type Component = 'kafka-connect' | 'kafka' | 'postgres' | 'cold-store';

/** Stack settings of the fault suite: STACK_* variables already set win (e.g. a CI machine with other ports taken). */
export function faultStackVariables(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const port = (name: string, fallback: number) => env[`FAULTS_${name}`] ?? String(fallback);
  return {
    ...env,
    STACK_DIR: env.FAULTS_STACK_DIR ?? join(projectRoot, '.stack-faults'),
    STACK_PG_PORT: port('STACK_PG_PORT', 55532),
    STACK_COLDSTORE_PG_PORT: port('STACK_COLDSTORE_PG_PORT', 55533),
    STACK_KAFKA_PORT: port('STACK_KAFKA_PORT', 59192),
    STACK_KAFKA_CONTROLLER_PORT: port('STACK_KAFKA_CONTROLLER_PORT', 59193),
    STACK_CONNECT_PORT: port('STACK_CONNECT_PORT', 58183),
    STACK_COLDSTORE_PORT: port('STACK_COLDSTORE_PORT', 57117),
    STACK_COLDSTORE_DEBUG_PORT: port('STACK_COLDSTORE_DEBUG_PORT', 57118),
  };
}

export class FaultStack {
  readonly variables = faultStackVariables();
  readonly settings = stackSettings(this.variables);
  constructor(private readonly log: (m: string) => void) {}

  get env(): StackEnv {
    return stackEnv(this.settings);
  }

  get coldStoreKind(): string {
    return coldStoreKind();
  }

  /** Stops and removes the fault stack's data, then starts every component afresh (downloads stay cached). */
  async fresh(): Promise<StackEnv> {
    await stackDown(this.log, this.variables);
    rmSync(this.settings.dir, { recursive: true, force: true });
    return stackUp(this.log, this.variables);
  }

  /** Starts whatever is not running and waits until everything is healthy again. */
  async up(): Promise<StackEnv> {
    return stackUp(this.log, this.variables);
  }

  async down(): Promise<void> {
    await stackDown(this.log, this.variables);
  }

  /** Stops one component the way an operator or a node failure would (SIGTERM, then SIGKILL after a grace period). */
  async stop(component: Component): Promise<void> {
    const v = loadVersions();
    const s = this.settings;
    if (component === 'kafka-connect') await stopConnect(s);
    else if (component === 'kafka') await stopKafka(s);
    else if (component === 'postgres') stopPostgres(s, v);
    else await stopColdStore(s, v);
    this.log(`${component} stopped`);
  }

  /** Stops a component, keeps it down for `downMs`, and starts it again. */
  async restart(component: Component, downMs = 0): Promise<void> {
    await this.stop(component);
    if (downMs > 0) await sleep(downMs);
    await this.up();
    this.log(`${component} back up`);
  }
}
