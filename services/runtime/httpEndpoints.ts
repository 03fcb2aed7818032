// Health, readiness and metrics over HTTP, for Kubernetes probes and Prometheus.
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface Endpoints {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function serveEndpoints(
  port: number,
  registry: Registry,
  ready: () => Promise<string | undefined>,
): Promise<Endpoints> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (path === '/healthz') return send(200, 'ok\n');
    if (path === '/readyz') {
      ready().then(
        (problem) => (problem ? send(503, `not ready: ${problem}\n`) : send(200, 'ready\n')),
        (err: unknown) => send(503, `not ready: ${(err as Error).message}\n`),
      );
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => send(200, text, registry.contentType),
        (err: unknown) => send(500, String(err)),
      );
      return;
    }
    send(404, 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', resolve);
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
