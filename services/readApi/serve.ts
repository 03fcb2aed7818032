// `ticket-archiver serve`: the read API on HTTP_PORT, with health, readiness and metrics on the same port. Owns its
// connections: the hot database for reads (DATABASE_URL), restore's role for restores (RESTORE_DATABASE_URL), the
// cold store.
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { errorMessage } from '../core/errors.ts';
import { openColdStore } from '../edges/coldStore/index.ts';
import { openReaderHotStore, openRestorerHotStore } from '../edges/hotStore/index.ts';
import { restoreTicket } from '../restore/restoreTicket.ts';
import type { Logger } from '../runtime/logger.ts';
import { buildReadApi } from './app.ts';
import { unavailable } from './problems.ts';
import type { ReadApiSettings } from './settings.ts';
import { TicketReader } from './tickets.ts';
import { readTableOf } from '../core/read/apiSchemas.ts';
import type { ArchiveSpec } from '../core/spec/archiveSpec.ts';

export interface ReadApi {
  port: number;
  stop(): Promise<void>;
}

export async function startReadApi(s: ReadApiSettings, spec: ArchiveSpec, log: Logger): Promise<ReadApi> {
  // The reads as the reader's role (cli/serve.ts puts READ_DATABASE_URL, when set, in DATABASE_URL); restores as
  // restore's (RESTORE_DATABASE_URL, else the same).
  const hot = await openReaderHotStore(
    {
      databaseUrl: s.DATABASE_URL,
      applicationName: 'ticket-archiver/read-api',
      poolSize: s.API_DATABASE_POOL_SIZE,
      setting: s.READ_DATABASE_URL ? 'READ_DATABASE_URL' : 'DATABASE_URL',
    },
    spec,
  );
  const closers: Array<() => Promise<void>> = [() => hot.close()];
  const closeAll = async () => {
    for (const close of closers.reverse())
      await close().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'closing a store failed'));
  };
  try {
    const restoreHot = await openRestorerHotStore(
      {
        databaseUrl: s.RESTORE_DATABASE_URL ?? s.DATABASE_URL,
        applicationName: 'ticket-archiver/read-api-restore',
        poolSize: 2,
        setting: s.RESTORE_DATABASE_URL ? 'RESTORE_DATABASE_URL' : 'DATABASE_URL',
      },
      spec,
    );
    closers.push(() => restoreHot.close());
    const cold = await openColdStore(s.MONGODB_URL, spec, { database: s.COLD_DATABASE });
    closers.push(() => cold.close());
    await cold.ensureIndexes();
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'ticket_archiver_read_api_process_' });
    const latency = new Histogram({
      name: 'ticket_archiver_read_api_request_duration_seconds',
      help: 'Read API requests by route, tier and status code',
      labelNames: ['route', 'tier', 'code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    const mover = `read-api@${hostname()}`;
    const app = await buildReadApi({
      reader: new TicketReader(spec, hot, cold),
      table: readTableOf(spec, hot.table.columns),
      restorer: async (id, holdMs) => {
        const r = await restoreTicket(restoreHot, cold, id, holdMs, mover);
        log.info(
          { ticketId: r.id, ticketVersion: r.version, holdUntil: r.holdUntil },
          'ticket restored through the API',
        );
        return r;
      },
      token: s.API_TOKEN,
      readsRequireToken: s.API_READS_REQUIRE_TOKEN,
      log,
      extra: (a) =>
        probes(a, registry, latency, async () => {
          await hot.ping();
          await cold.ping();
        }),
    });
    const address = await app.listen({ port: s.HTTP_PORT, host: '0.0.0.0' });
    const port = Number(new URL(address).port);
    log.info(
      { port, readsRequireToken: s.API_READS_REQUIRE_TOKEN, writes: s.API_TOKEN !== undefined },
      'read api started',
    );
    return {
      port,
      async stop() {
        await app.close();
        await closeAll();
        log.info('read api stopped');
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function probes(app: FastifyInstance, registry: Registry, latency: Histogram, ping: () => Promise<void>): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    if (route === '/metrics' || route === '/healthz' || route === '/readyz') return;
    const tier = (req.query as { tier?: string } | undefined)?.tier === 'cold' ? 'cold' : 'hot';
    latency.observe({ route, tier, code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get('/healthz', { schema: { hide: true } }, () => 'ok\n');
  app.get('/readyz', { schema: { hide: true } }, async (req, reply) => {
    try {
      await ping();
      return 'ready\n';
    } catch (err) {
      // A probe's answer is as public as any other: the store by its tier there, the error itself in the log.
      req.log.warn({ err }, 'not ready');
      return unavailable(req, reply, err);
    }
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}
