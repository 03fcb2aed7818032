// The local stack's Kafka nodes: one by default, or STACK_KAFKA_NODES of them as production runs Kafka (each a KRaft
// broker and controller), and the replication that topics created with the brokers' defaults get from them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentError, daemon, type Daemon } from '../processes.ts';
import type { StackSettings } from '../settings.ts';

export interface KafkaNode {
  id: number;
  clientPort: number;
  controllerPort: number;
  daemon: Daemon;
  dataDir: string;
  propertiesFile: string;
}

/** Node n's ports are the first node's plus 2(n - 1): a cluster's ports sit together beside the single node's. */
export function kafkaNodes(s: StackSettings): KafkaNode[] {
  return Array.from({ length: s.STACK_KAFKA_NODES }, (_, i) => {
    const id = i + 1;
    const name = id === 1 ? 'kafka' : `kafka-${id}`;
    return {
      id,
      clientPort: s.STACK_KAFKA_PORT + 2 * i,
      controllerPort: s.STACK_KAFKA_CONTROLLER_PORT + 2 * i,
      daemon: daemon(s.runDir, s.logDir, name),
      dataDir: join(s.storesDataDir, name),
      propertiesFile: join(s.confDir, `${name}.properties`),
    };
  });
}

export function kafkaNode(s: StackSettings, id: number): KafkaNode {
  const node = kafkaNodes(s).find((n) => n.id === id);
  if (!node) throw new Error(`no Kafka node ${id} in a stack of ${s.STACK_KAFKA_NODES}`);
  return node;
}

export function kafkaBrokers(s: StackSettings): string {
  return kafkaNodes(s)
    .map((n) => `127.0.0.1:${n.clientPort}`)
    .join(',');
}

/** Three copies of every partition where there are three brokers, and a write acknowledged by two (acks=all) of them:
 * one broker may be lost without losing or refusing a write. One node: one copy. */
export function kafkaReplication(s: StackSettings): { factor: number; minInsync: number } {
  const factor = Math.min(3, s.STACK_KAFKA_NODES);
  return { factor, minInsync: factor >= 3 ? 2 : 1 };
}

/**
 * The cluster id every node is formatted with, made once. A KRaft quorum's voters are fixed when it is formatted, so
 * a stack keeps its node count: another STACK_KAFKA_NODES on it is refused rather than starting a broken quorum.
 */
export function kafkaClusterId(s: StackSettings, fresh: () => string): string {
  const file = join(s.storesDataDir, 'kafka-cluster.json');
  const single = join(s.storesDataDir, 'kafka', 'meta.properties');
  let record: { clusterId: string; nodes: number } | undefined;
  if (existsSync(file)) record = JSON.parse(readFileSync(file, 'utf8')) as { clusterId: string; nodes: number };
  else if (existsSync(single)) {
    // A stack made before the node count was recorded: one node.
    const id = /cluster\.id=(\S+)/.exec(readFileSync(single, 'utf8'))?.[1] ?? '';
    record = { clusterId: id, nodes: 1 };
  }
  if (record && record.nodes !== s.STACK_KAFKA_NODES) {
    throw new ComponentError(
      'kafka',
      `this stack's Kafka was formatted with ${record.nodes} node(s); STACK_KAFKA_NODES=${s.STACK_KAFKA_NODES} needs a new stack (npm run stack:wipe, or another STACK_DIR)`,
    );
  }
  if (record) return record.clusterId;
  const clusterId = fresh();
  mkdirSync(s.storesDataDir, { recursive: true });
  writeFileSync(file, JSON.stringify({ clusterId, nodes: s.STACK_KAFKA_NODES }));
  return clusterId;
}
