// The fault suite's own local stack (`.stack-faults`, ports +100), which it breaks one component at a time. With
// `cluster`: Kafka as production runs it (three KRaft nodes, replication factor 3, min.insync.replicas 2) and two
// Kafka Connect workers, whose single nodes and workers the cluster scenarios break (clusterScenarios.ts).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadVersions } from '../../infra/local/versions.ts';
import { ensureKafkaJars } from '../../infra/local/downloads.ts';
import { daemonPid, isAlive, stopDaemon, type Daemon } from '../../infra/local/processes.ts';
import { stopKafka } from '../../infra/local/components/kafka.ts';
import { kafkaNode, kafkaReplication } from '../../infra/local/components/kafkaNodes.ts';
import { connectWorkers, stopConnect } from '../../infra/local/components/connect.ts';
import { stopPostgres } from '../../infra/local/components/postgres.ts';
import { stopColdStore } from '../../infra/local/components/coldStore.ts';
import { IsolatedStack } from '../support/isolatedStack.ts';
import { unboundColdStoreDisk } from './coldStoreDisk.ts';

export type Component = 'kafka-connect' | 'kafka' | 'postgres' | 'cold-store';

export const CLUSTER = { STACK_KAFKA_NODES: '3', STACK_CONNECT_WORKERS: '2' } as const;

export class FaultStack extends IsolatedStack {
  constructor(
    log: (m: string) => void,
    readonly cluster = false,
  ) {
    super('faults', 100, log, cluster ? CLUSTER : {});
  }

  /** A bounded disk left by the cold-store-full scenario goes before the data it holds. */
  override removeData(): void {
    unboundColdStoreDisk(this.settings);
    super.removeData();
  }

  override async down(): Promise<void> {
    await super.down();
    unboundColdStoreDisk(this.settings);
  }

  /** What the stack runs of Kafka and Connect, for the results. */
  get shape(): string {
    const s = this.settings;
    return `${s.STACK_KAFKA_NODES} Kafka node(s) (replication factor ${kafkaReplication(s).factor}, min.insync.replicas ${kafkaReplication(s).minInsync}), ${s.STACK_CONNECT_WORKERS} Connect worker(s)`;
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

  /** Kills Kafka node `id` as a lost machine would (SIGKILL: no controlled shutdown, no leadership handed over). */
  async killKafkaNode(id: number): Promise<void> {
    await kill9(kafkaNode(this.settings, id).daemon);
    this.log(`kafka node ${id} killed (SIGKILL)`);
  }

  /** Stops Kafka node `id` as a rolling restart does (SIGTERM: a controlled shutdown). */
  async stopKafkaNode(id: number): Promise<void> {
    await stopDaemon(kafkaNode(this.settings, id).daemon, 60_000);
    this.log(`kafka node ${id} stopped`);
  }

  /** Kills the Connect worker that the REST API names `workerId` (host:port). */
  async killConnectWorker(workerId: string): Promise<void> {
    const worker = connectWorkers(this.settings).find((w) => w.workerId === workerId);
    if (!worker) throw new Error(`no Connect worker ${workerId} in this stack`);
    await kill9(worker.daemon);
    this.log(`kafka-connect worker ${workerId} killed (SIGKILL)`);
  }

  /** Runs one of Kafka's own command-line tools (a class of its jars) against this stack's brokers; returns stdout. */
  kafkaTool(mainClass: string, args: string[]): string {
    const lib = ensureKafkaJars(this.settings, loadVersions(), this.log);
    const r = spawnSync(
      'java',
      ['-cp', join(lib, '*'), mainClass, '--bootstrap-server', this.env.KAFKA_BROKERS, ...args],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    if (r.status !== 0) throw new Error(`${mainClass} ${args.join(' ')} exited ${r.status}: ${r.stderr || r.stdout}`);
    return r.stdout;
  }
}

async function kill9(d: Daemon): Promise<void> {
  const pid = daemonPid(d);
  if (pid === undefined) throw new Error(`${d.name} is not running`);
  process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
}
