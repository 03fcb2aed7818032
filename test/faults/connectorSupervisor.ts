// Kafka Connect's connectors during a fault run, supervised the way an operator answering the "connector not
// running" alert (or Strimzi's KafkaConnector autoRestart) would: a FAILED connector or task is restarted, and counted.
// Why the suite needs it: Debezium 3.0's PostgreSQL task restarts itself 10 s after losing the database, and when the
// database is still down then (a fast shutdown waits for its WAL senders, so a 5 s restart keeps it away for 10 to 15
// s) the task's start fails with "Couldn't obtain encoding for database", which Connect treats as unrecoverable
// (DBZ-7872): the task stays FAILED until someone restarts it. The count goes into the result, so it is never hidden.
import { setTimeout as sleep } from 'node:timers/promises';
import { restartFailedParts } from '../../services/edges/kafkaConnect/index.ts';

export class ConnectorSupervisor {
  /** Restarts of a FAILED connector or task, with the connector's name and the first line of the failure. */
  readonly restarts: string[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly connectUrl: string,
    private readonly log: (m: string) => void,
    pollMs = 5000,
  ) {
    this.loop = this.supervise(pollMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async supervise(pollMs: number): Promise<void> {
    while (this.running) {
      // Connect itself may be down (the restart-connect scenario): look again at the next poll.
      await this.restartFailed().catch(() => undefined);
      for (let waited = 0; this.running && waited < pollMs; waited += 250) await sleep(250);
    }
  }

  private async restartFailed(): Promise<void> {
    const res = await fetch(new URL('/connectors', this.connectUrl), { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return;
    for (const name of (await res.json()) as string[]) {
      for (const part of await restartFailedParts(this.connectUrl, name)) {
        this.restarts.push(`${name}: ${part}`);
        this.log(`connector ${name}: ${part} was FAILED; restarted`);
      }
    }
  }
}
