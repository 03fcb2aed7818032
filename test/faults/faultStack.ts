// The fault suite's own local stack (`.stack-faults`, ports +100), which it breaks one component at a time.
import { setTimeout as sleep } from 'node:timers/promises';
import { loadVersions } from '../../infra/local/versions.ts';
import { stopKafka } from '../../infra/local/components/kafka.ts';
import { stopConnect } from '../../infra/local/components/connect.ts';
import { stopPostgres } from '../../infra/local/components/postgres.ts';
import { stopColdStore } from '../../infra/local/components/coldStore.ts';
import { IsolatedStack } from '../support/isolatedStack.ts';

export type Component = 'kafka-connect' | 'kafka' | 'postgres' | 'cold-store';

export class FaultStack extends IsolatedStack {
  constructor(log: (m: string) => void) {
    super('faults', 100, log);
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
