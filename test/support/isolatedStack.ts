// A local stack of its own for a suite that wipes or breaks it (the fault suite, the benchmark): the project's stack
// scripts with a separate directory and ports, so the developer's stack and the other tests' are never touched.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, stackSettings } from '../../infra/local/settings.ts';
import { stackDown, stackEnv, stackUp, type StackEnv } from '../../infra/local/stack.ts';
import { coldStoreKind } from '../../infra/local/components/coldStore.ts';

/**
 * Stack settings under `.stack-<name>` with every port moved by `portOffset`. `<PREFIX>_STACK_*` variables already
 * set win (e.g. a CI machine with other ports taken), as does `<PREFIX>_STACK_DIR`.
 */
export function isolatedStackVariables(
  name: string,
  portOffset: number,
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const prefix = name.toUpperCase();
  const port = (variable: string, base: number) => env[`${prefix}_${variable}`] ?? String(base + portOffset);
  return {
    ...env,
    STACK_DIR: env[`${prefix}_STACK_DIR`] ?? join(projectRoot, `.stack-${name}`),
    STACK_PG_PORT: port('STACK_PG_PORT', 26432),
    STACK_COLDSTORE_PG_PORT: port('STACK_COLDSTORE_PG_PORT', 26433),
    STACK_PG_REPLICA_PORT: port('STACK_PG_REPLICA_PORT', 26434),
    STACK_KAFKA_PORT: port('STACK_KAFKA_PORT', 26092),
    STACK_KAFKA_CONTROLLER_PORT: port('STACK_KAFKA_CONTROLLER_PORT', 26093),
    STACK_CONNECT_PORT: port('STACK_CONNECT_PORT', 26083),
    STACK_COLDSTORE_PORT: port('STACK_COLDSTORE_PORT', 26017),
    STACK_COLDSTORE_DEBUG_PORT: port('STACK_COLDSTORE_DEBUG_PORT', 26018),
    // Plaintext unless asked for (the constructor's `extra`): a STACK_TLS meant for the developer's stack stays there.
    STACK_TLS: 'false',
  };
}

export class IsolatedStack {
  readonly variables: NodeJS.ProcessEnv;
  readonly settings: ReturnType<typeof stackSettings>;

  constructor(
    name: string,
    portOffset: number,
    protected readonly log: (m: string) => void,
    /** Further stack settings, e.g. STACK_TLS. */
    extra: NodeJS.ProcessEnv = {},
  ) {
    this.variables = { ...isolatedStackVariables(name, portOffset), ...extra };
    this.settings = stackSettings(this.variables);
  }

  get env(): StackEnv {
    return stackEnv(this.settings);
  }

  get coldStoreKind(): string {
    return coldStoreKind();
  }

  /** Stops and removes the stack's data, then starts every component afresh (downloads stay cached). */
  async fresh(): Promise<StackEnv> {
    await stackDown(this.log, this.variables);
    this.removeData();
    return stackUp(this.log, this.variables);
  }

  /** Starts whatever is not running and waits until everything is healthy again. */
  async up(): Promise<StackEnv> {
    return stackUp(this.log, this.variables);
  }

  async down(): Promise<void> {
    await stackDown(this.log, this.variables);
  }

  /** Removes the stack's data, the stores' included where they live apart (STACK_STORES_DATA_DIR, e.g. on tmpfs). */
  removeData(): void {
    rmSync(this.settings.dir, { recursive: true, force: true });
    rmSync(this.settings.storesDataDir, { recursive: true, force: true });
  }
}
