// Where the local stack lives and which loopback ports it uses. Every value can be overridden by an
// environment variable; defaults avoid the standard ports so a developer's own servers keep working.
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Default ports sit below Linux's ephemeral range (32768-60999): a port in it can be held, at any moment, as the local
// end of some outgoing connection, and a server start then fails with "address already in use".
const port = (fallback: number) => z.coerce.number().int().min(1024).max(65535).default(fallback);
const flag = () =>
  z
    .enum(['true', 'false', '1', '0'], { message: "expected 'true' or 'false'" })
    .transform((v) => v === 'true' || v === '1');

const stackEnvSchema = z.object({
  STACK_DIR: z.string().min(1).default(join(projectRoot, '.stack')),
  STACK_CACHE_DIR: z
    .string()
    .min(1)
    .default(join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ticket-archiver')),
  STACK_PG_PORT: port(26432),
  STACK_KAFKA_PORT: port(26092),
  STACK_KAFKA_CONTROLLER_PORT: port(26093),
  // Kafka as production runs it: three KRaft nodes, replication factor 3, min.insync.replicas 2 (components/kafkaNodes.ts;
  // node n listens on the ports above plus 2(n - 1)). A stack keeps the count it was created with.
  STACK_KAFKA_NODES: z.coerce.number().int().min(1).max(5).default(1),
  STACK_CONNECT_PORT: port(26083),
  // Kafka Connect workers in one group (worker n on STACK_CONNECT_PORT + n - 1): with two, a lost worker's task moves.
  STACK_CONNECT_WORKERS: z.coerce.number().int().min(1).max(3).default(1),
  STACK_COLDSTORE_PORT: port(26017),
  STACK_COLDSTORE_DEBUG_PORT: port(26018),
  // FerretDB's PostgreSQL backend: a second cluster, so the cold store never shares a server with the hot table.
  STACK_COLDSTORE_PG_PORT: port(26433),
  // A streaming replica of the hot database (components/hotReplica.ts), started with the stack when STACK_PG_REPLICA.
  STACK_PG_REPLICA_PORT: port(26434),
  STACK_PG_REPLICA: flag().default(false),
  // PostgreSQL refuses to run as root; when we are root the server runs as this OS user.
  STACK_PG_OS_USER: z.string().min(1).default('postgres'),
  // A new stack with TLS on every server and SCRAM users in Kafka (tls.ts); an existing stack keeps its mode.
  STACK_TLS: flag().optional(),
  // Where the cold store's and Kafka's data go, if not under STACK_DIR: the benchmark puts them on tmpfs so that their
  // fsyncs do not queue on the hot database's disk, as on separate machines (test/bench/README.md).
  STACK_STORES_DATA_DIR: z.string().min(1).optional(),
  // Seconds each component may take to become healthy.
  STACK_START_TIMEOUT: z.coerce.number().int().positive().default(180),
});

export type StackSettings = ReturnType<typeof stackSettings>;

export function stackSettings(env: NodeJS.ProcessEnv = process.env) {
  const parsed = stackEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid local stack setting:\n${lines.join('\n')}`);
  }
  const s = parsed.data;
  const dir = resolve(s.STACK_DIR);
  const cache = resolve(s.STACK_CACHE_DIR);
  return {
    ...s,
    dir,
    cache,
    dataDir: join(dir, 'data'),
    storesDataDir: s.STACK_STORES_DATA_DIR ? resolve(s.STACK_STORES_DATA_DIR) : join(dir, 'data'),
    logDir: join(dir, 'logs'),
    runDir: join(dir, 'run'),
    confDir: join(dir, 'conf'),
    secretsFile: join(dir, 'secrets.json'),
    databaseName: 'tickets',
    topicPrefix: 'ticketdb',
    connectorName: 'tickets-cdc',
  };
}
