// Toxiproxy (Shopify's TCP fault proxy, built from its Go module by the stack's downloads) on loopback, between a
// client and the stack's servers: a network that delays, black-holes or cuts connections on demand, while the servers
// stay up for everyone else.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureToxiproxy } from '../../infra/local/downloads.ts';
import type { StackSettings } from '../../infra/local/settings.ts';
import { loadVersions } from '../../infra/local/versions.ts';
import { atLocalPort, freePort } from './tcpRelay.ts';

export interface FaultProxy {
  /** `url` (postgres:// or mongodb://) with its host and port replaced by the proxy named `name`'s. */
  through(name: string, url: string): string;
  /** Every packet from the server of each named proxy delayed by `ms` ± `jitterMs`. */
  latency(names: string[], ms: number, jitterMs: number): Promise<void>;
  /** No data passes either way (TCP keeps the connections, as in a partition that later heals), until cleared. */
  blackhole(names: string[]): Promise<void>;
  /** Every connection through the named proxies closed at once, and new ones refused, for `ms`. */
  cut(names: string[], ms: number): Promise<void>;
  /** Removes every toxic. */
  clear(names: string[]): Promise<void>;
  stop(): Promise<void>;
}

/** Starts toxiproxy with one proxy per entry of `upstreams` (name → server port on 127.0.0.1). */
export async function startFaultProxy(
  s: StackSettings,
  upstreams: Record<string, number>,
  log: (m: string) => void,
): Promise<FaultProxy> {
  const binary = ensureToxiproxy(s, loadVersions(), log);
  const apiPort = await freePort();
  const proc: ChildProcess = spawn(binary, ['-host', '127.0.0.1', '-port', String(apiPort)], { stdio: 'ignore' });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`toxiproxy ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : ((await res.json()) as Record<string, unknown>);
  };
  for (let i = 0; ; i++) {
    if (
      await api('GET', '/version').then(
        () => true,
        () => false,
      )
    )
      break;
    if (i > 100 || proc.exitCode !== null) throw new Error(`toxiproxy did not start on port ${apiPort}`);
    await sleep(100);
  }
  const ports = new Map<string, number>();
  for (const [name, port] of Object.entries(upstreams)) {
    // Port 0: toxiproxy picks a free one and says which.
    const proxy = await api('POST', '/proxies', { name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${port}` });
    ports.set(name, Number(String(proxy?.listen).split(':').pop()));
  }
  const toxic = (names: string[], t: Record<string, unknown>) =>
    Promise.all(names.map((n) => api('POST', `/proxies/${n}/toxics`, { toxicity: 1, ...t })));
  const clear = async (names: string[]) => {
    for (const n of names) {
      const toxics = (await fetch(`http://127.0.0.1:${apiPort}/proxies/${n}/toxics`).then((r) => r.json())) as Array<{
        name: string;
      }>;
      for (const t of toxics) await api('DELETE', `/proxies/${n}/toxics/${t.name}`);
    }
  };
  return {
    through(name, url) {
      const port = ports.get(name);
      if (port === undefined) throw new Error(`no proxy named ${name}`);
      return atLocalPort(url, port);
    },
    async latency(names, ms, jitterMs) {
      await toxic(names, {
        name: 'latency',
        type: 'latency',
        stream: 'downstream',
        attributes: { latency: ms, jitter: jitterMs },
      });
    },
    async blackhole(names) {
      // timeout 0: data is held, the connection never closed by the proxy.
      for (const stream of ['upstream', 'downstream'])
        await toxic(names, { name: `blackhole-${stream}`, type: 'timeout', stream, attributes: { timeout: 0 } });
    },
    async cut(names, ms) {
      await Promise.all(names.map((n) => api('POST', `/proxies/${n}`, { enabled: false })));
      await sleep(ms);
      await Promise.all(names.map((n) => api('POST', `/proxies/${n}`, { enabled: true })));
    },
    clear,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((resolve) => (proc.exitCode !== null ? resolve(undefined) : proc.once('exit', resolve)));
    },
  };
}
