// Kafka Connect's REST API, the few calls the project makes: register a connector idempotently, restart its failed
// parts, pause it, and read its state. Failures come back as the product's errors: unreachable or a 5xx passes, a refusal (4xx, FAILED) does not.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { StoreRefusedError, StoreUnavailableError } from '../../core/errors.ts';
import type { ArchiveSpec } from '../../core/spec/archiveSpec.ts';
import { connectorFor, eventsTopic, type ConnectorDefinition } from '../../core/spec/connectorConfig.ts';
import { ticketsConnectorFile } from '../../shipped/index.ts';

const connectorFileSchema = z.object({ name: z.string().min(1), config: z.record(z.string(), z.string()) });
export type { ConnectorDefinition } from '../../core/spec/connectorConfig.ts';

const stateSchema = z.enum(['RUNNING', 'PAUSED', 'FAILED', 'UNASSIGNED', 'RESTARTING', 'STOPPED']);
const statusSchema = z.object({
  name: z.string(),
  connector: z.object({ state: stateSchema, worker_id: z.string().optional(), trace: z.string().optional() }),
  tasks: z.array(
    z.object({ id: z.number(), state: stateSchema, worker_id: z.string().optional(), trace: z.string().optional() }),
  ),
});
export type ConnectorStatus = z.infer<typeof statusSchema>;

/** An answer other than the expected one: a server error passes, a refusal of the request does not. */
function httpError(status: number, message: string): Error {
  return status >= 500
    ? new StoreUnavailableError('kafka connect', message, String(status))
    : new StoreRefusedError('kafka connect', message, String(status));
}

/** The shipped connector definition (or `file`), for the spec's table: its include lists are the spec's. */
export function loadConnectorDefinition(spec: ArchiveSpec, file = ticketsConnectorFile()): ConnectorDefinition {
  return connectorFor(spec, connectorFileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))));
}

/** The topic of the spec's table's change events, as the connector names it. */
export function ticketsTopicOf(spec: ArchiveSpec, file = ticketsConnectorFile()): string {
  return eventsTopic(spec, connectorFileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))));
}

async function call(
  connectUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  let res: Response;
  try {
    res = await fetch(new URL(path, connectUrl), {
      method,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new StoreUnavailableError(
      'kafka connect',
      `Kafka Connect at ${connectUrl} is unreachable: ${(err as Error).message}`,
      undefined,
      err,
    );
  }
  const text = await res.text();
  let json: unknown = text;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // keep the raw text for the error message
  }
  return { status: res.status, json };
}

/** PUT /connectors/{name}/config creates the connector or updates it in place: safe to repeat. */
export async function registerConnector(connectUrl: string, def: ConnectorDefinition): Promise<void> {
  const { status, json } = await call(
    connectUrl,
    'PUT',
    `/connectors/${encodeURIComponent(def.name)}/config`,
    def.config,
  );
  if (status !== 200 && status !== 201) {
    throw httpError(status, `registering connector ${def.name} failed with HTTP ${status}: ${JSON.stringify(json)}`);
  }
}

export async function connectorStatus(connectUrl: string, name: string): Promise<ConnectorStatus | undefined> {
  const { status, json } = await call(connectUrl, 'GET', `/connectors/${encodeURIComponent(name)}/status`);
  if (status === 404) return undefined;
  if (status !== 200) throw httpError(status, `status of connector ${name}: HTTP ${status} ${JSON.stringify(json)}`);
  return statusSchema.parse(json);
}

/** Restarts the connector's FAILED parts (POST /connectors/{name}/restart?includeTasks=true&onlyFailed=true) and says
 * which: Debezium's PostgreSQL task fails for good when the database still refuses it at the end of its restart
 * back-off (DBZ-7872), so an outage longer than ~10 s leaves it FAILED until someone restarts it. */
export async function restartFailedParts(connectUrl: string, name: string): Promise<string[]> {
  const status = await connectorStatus(connectUrl, name);
  const failed = [
    ...(status?.connector.state === 'FAILED' ? [{ part: 'connector', trace: status.connector.trace }] : []),
    ...(status?.tasks ?? []).filter((t) => t.state === 'FAILED').map((t) => ({ part: `task ${t.id}`, trace: t.trace })),
  ];
  if (failed.length === 0) return [];
  const path = `/connectors/${encodeURIComponent(name)}/restart?includeTasks=true&onlyFailed=true`;
  const { status: http, json } = await call(connectUrl, 'POST', path);
  if (http !== 202 && http !== 204)
    throw httpError(http, `restarting connector ${name}'s failed parts: HTTP ${http} ${JSON.stringify(json)}`);
  return failed.map((f) => `${f.part} (${(f.trace ?? 'no trace').split('\n')[0] ?? ''})`);
}

export function isRunning(status: ConnectorStatus | undefined): boolean {
  return (
    status?.connector.state === 'RUNNING' && status.tasks.length > 0 && status.tasks.every((t) => t.state === 'RUNNING')
  );
}

/** Waits until the connector and all its tasks run; a FAILED connector or task fails at once with its trace. */
export async function waitForConnectorRunning(
  connectUrl: string,
  name: string,
  timeoutMs: number,
): Promise<ConnectorStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: ConnectorStatus | undefined;
  while (Date.now() < deadline) {
    last = await connectorStatus(connectUrl, name);
    if (isRunning(last) && last) return last;
    const failed = [last?.connector, ...(last?.tasks ?? [])].find((x) => x?.state === 'FAILED');
    if (failed) {
      throw new StoreRefusedError(
        'kafka connect',
        `connector ${name} FAILED: ${(failed.trace ?? 'no trace').split('\n').slice(0, 8).join('\n')}`,
      );
    }
    await sleep(500);
  }
  throw new StoreUnavailableError(
    'kafka connect',
    `connector ${name} not RUNNING after ${timeoutMs / 1000} s: ${JSON.stringify(last)}`,
  );
}
