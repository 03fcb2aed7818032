// Starts `ticket-archiver archive` as a real child process, as production runs it, for integration tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../../infra/local/settings.ts';
import { stackKafkaSecurity, type StackEnv } from '../../infra/local/stack.ts';
import { createKafka } from '../../services/edges/kafka/client.ts';

export interface ArchiverProcess {
  proc: ChildProcess;
  name: string;
  lines: string[];
  port(): Promise<number>;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
  exited: Promise<number | null>;
}

let counter = 0;

export function archiverEnv(env: StackEnv, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: env.DATABASE_URL,
    MIGRATIONS_DATABASE_URL: env.MIGRATIONS_DATABASE_URL,
    RESTORE_DATABASE_URL: env.RESTORE_DATABASE_URL,
    READ_DATABASE_URL: env.READ_DATABASE_URL,
    KAFKA_BROKERS: env.KAFKA_BROKERS,
    MONGODB_URL: env.MONGODB_URL,
    KAFKA_CONNECT_URL: env.KAFKA_CONNECT_URL,
    TICKETS_TOPIC: env.TICKETS_TOPIC,
    ...kafkaSecurityVariables(env),
    HTTP_PORT: '0',
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

/** A TLS stack's Kafka settings (SASL_SSL, SCRAM user, CA), as the services read them. */
function kafkaSecurityVariables(env: StackEnv): Record<string, string> {
  const keys = [
    'KAFKA_SECURITY_PROTOCOL',
    'KAFKA_SSL_CA_FILE',
    'KAFKA_SASL_MECHANISM',
    'KAFKA_SASL_USERNAME',
    'KAFKA_SASL_PASSWORD',
  ] as const;
  return Object.fromEntries(keys.flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
}

/** A kafkajs admin for test set-up and checks, secured as the stack's services are. */
export function stackKafkaAdmin(env: StackEnv, clientId: string) {
  return createKafka({
    brokers: env.KAFKA_BROKERS.split(','),
    clientId,
    quiet: true,
    security: stackKafkaSecurity(env),
  }).admin();
}

/** Runs the CLI once to completion (for commands like restore), returning exit code and output. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'services/cli/main.ts', ...args], { cwd: projectRoot, env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`ticket-archiver ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `nodeOptions` go before the script (e.g. --cpu-prof, which NODE_OPTIONS does not allow); `command` is the
 * subcommand and its arguments (the archiver by default). */
export function startArchiverProcess(
  env: StackEnv,
  overrides: Record<string, string>,
  nodeOptions: string[] = [],
  command: string[] = ['archive'],
): ArchiverProcess {
  const name = overrides.INSTANCE_NAME ?? `test-archiver-${process.pid}-${++counter}`;
  const proc = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', 'services/cli/main.ts', ...command], {
    cwd: projectRoot,
    env: archiverEnv(env, { INSTANCE_NAME: name, ...overrides }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean));
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const port = async () => {
    for (let i = 0; i < 600; i++) {
      for (const line of lines) {
        if (line.includes('"archiver started"') || line.includes('"read api started"'))
          return (JSON.parse(line) as { port: number }).port;
      }
      if (proc.exitCode !== null)
        throw new Error(`archiver ${name} exited with ${proc.exitCode}:\n${lines.slice(-20).join('\n')}`);
      await sleep(100);
    }
    throw new Error(`archiver ${name} did not start:\n${lines.slice(-20).join('\n')}`);
  };
  return {
    proc,
    name,
    lines,
    port,
    async metric(metricName, labels = {}) {
      const res = await fetch(`http://127.0.0.1:${await port()}/metrics`);
      const text = await res.text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${metricName}{`) && !line.startsWith(`${metricName} `)) continue;
        if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
          sum += Number(line.split(' ').pop());
      }
      return sum;
    },
    async stop() {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      if (proc.exitCode !== null) return;
      proc.kill('SIGKILL');
      await exited;
    },
    exited,
  };
}

/** Waits until the archiver answers /readyz with 200 (joined the group, stores reachable). */
export async function waitReady(a: ArchiverProcess, timeoutMs = 60_000): Promise<void> {
  const port = await a.port();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (res?.status === 200) return;
    await sleep(200);
  }
  throw new Error(`archiver ${a.name} not ready after ${timeoutMs} ms:\n${a.lines.slice(-20).join('\n')}`);
}

/** Where each test group started: its "earliest offset" on a topic shared with every other test's history. */
export const groupStarts = new Map<string, Array<{ partition: number; offset: string }>>();

/** A new consumer group positioned at the current end of the topic, so a test's archiver sees only what comes next. */
export async function groupAtEnd(env: StackEnv, prefix: string): Promise<string> {
  const groupId = `${prefix}-${process.pid}-${Date.now()}`;
  const admin = stackKafkaAdmin(env, 'test-setup');
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(env.TICKETS_TOPIC);
    const partitions = ends.map((e) => ({ partition: e.partition, offset: e.high }));
    await admin.setOffsets({ groupId, topic: env.TICKETS_TOPIC, partitions });
    groupStarts.set(groupId, partitions);
  } finally {
    await admin.disconnect();
  }
  return groupId;
}

/** Total lag of a group on the tickets topic (messages not yet committed). */
export async function groupLag(env: StackEnv, groupId: string): Promise<number> {
  const admin = stackKafkaAdmin(env, 'test-lag');
  await admin.connect();
  try {
    const [committed, ends] = await Promise.all([
      admin.fetchOffsets({ groupId, topics: [env.TICKETS_TOPIC] }),
      admin.fetchTopicOffsets(env.TICKETS_TOPIC),
    ]);
    const c = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce(
      (sum, e) => sum + Math.max(0, Number(e.high) - Math.max(c.get(e.partition) ?? 0, Number(e.low))),
      0,
    );
  } finally {
    await admin.disconnect();
  }
}

export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    await sleep(intervalMs);
  }
}

/** Waits until the topic's end offsets stop moving: Debezium has delivered everything committed so far. */
export async function topicSettled(env: StackEnv, timeoutMs = 240_000): Promise<void> {
  const admin = stackKafkaAdmin(env, 'test-settle');
  await admin.connect();
  try {
    const total = async () =>
      (await admin.fetchTopicOffsets(env.TICKETS_TOPIC)).reduce((s, p) => s + Number(p.high), 0);
    let last = -1;
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      const now = await total();
      if (now === last) return;
      last = now;
      await sleep(2000);
    }
    throw new Error(`topic ${env.TICKETS_TOPIC} still growing after ${timeoutMs} ms`);
  } finally {
    await admin.disconnect();
  }
}

/** Starts a backfill the way connectors/README.md tells operators to: an incremental snapshot through the signal table. */
export async function signalBackfill(env: StackEnv, filter?: string): Promise<void> {
  const su = new pg.Client({ connectionString: env.STACK_PG_SUPERUSER_URL });
  await su.connect();
  try {
    const data = {
      'data-collections': ['public.tickets'],
      type: 'incremental',
      ...(filter ? { 'additional-conditions': [{ 'data-collection': 'public.tickets', filter }] } : {}),
    };
    await su.query('INSERT INTO public.debezium_signal (id, type, data) VALUES ($1, $2, $3)', [
      randomUUID(),
      'execute-snapshot',
      JSON.stringify(data),
    ]);
  } finally {
    await su.end();
  }
}
