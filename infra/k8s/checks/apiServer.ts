// A real Kubernetes API server for the manifests' server-side dry run: etcd and kube-apiserver of the pinned release,
// on loopback, in a scratch directory, with one static token (in group system:masters) for kubectl. Nothing else of a
// cluster runs: no scheduler or controllers, so a dry run gets exactly the API server's validation and admission.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tailFile } from '../../local/processes.ts';
import type { ApiServerTools } from './tools.ts';

export interface ApiServer {
  url: string;
  /** Runs kubectl against this server; never throws, the caller reads the status. */
  kubectl(args: string[], input?: string): { status: number | null; stdout: string; stderr: string };
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function startLogged(cmd: string, args: string[], log: string): ChildProcess {
  const out = openSync(log, 'a');
  return spawn(cmd, args, { stdio: ['ignore', out, out] });
}

export async function startApiServer(tools: ApiServerTools, timeoutMs = 120_000): Promise<ApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ticket-archiver-apiserver-'));
  const [etcdClient, etcdPeer, securePort] = [await freePort(), await freePort(), await freePort()];
  const token = randomBytes(24).toString('hex');
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'tokens.csv'), `${token},checks,checks,"system:masters"\n`);
  const etcdUrl = `http://127.0.0.1:${etcdClient}`;
  const etcd = startLogged(
    tools.etcd,
    [
      '--data-dir',
      join(dir, 'etcd'),
      '--listen-client-urls',
      etcdUrl,
      '--advertise-client-urls',
      etcdUrl,
      '--listen-peer-urls',
      `http://127.0.0.1:${etcdPeer}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster',
      `default=http://127.0.0.1:${etcdPeer}`,
    ],
    join(dir, 'etcd.log'),
  );
  const apiserver = startLogged(
    tools.kubeApiserver,
    [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${securePort}`,
      `--cert-dir=${join(dir, 'certs')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      '--service-cluster-ip-range=10.96.0.0/24',
    ],
    join(dir, 'kube-apiserver.log'),
  );
  const url = `https://127.0.0.1:${securePort}`;
  const kubectl = (args: string[], input?: string) => {
    const r = spawnSync(tools.kubectl, [`--server=${url}`, `--token=${token}`, '--insecure-skip-tls-verify', ...args], {
      input,
      encoding: 'utf8',
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const stop = async () => {
    for (const p of [apiserver, etcd]) {
      p.kill('SIGTERM');
      await Promise.race([new Promise((r) => p.once('exit', r)), sleep(10_000)]);
      p.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exited = [etcd, apiserver].find((p) => p.exitCode !== null);
    if (exited || Date.now() > deadline) {
      const why = exited
        ? `${exited === etcd ? 'etcd' : 'kube-apiserver'} exited with ${exited.exitCode}`
        : `not ready within ${timeoutMs / 1000} s`;
      const logs = `etcd:\n${tailFile(join(dir, 'etcd.log'), 15)}\nkube-apiserver:\n${tailFile(join(dir, 'kube-apiserver.log'), 30)}`;
      await stop();
      throw new Error(`the API server did not start: ${why}\n${logs}`);
    }
    if (kubectl(['get', '--raw=/readyz']).stdout.trim() === 'ok') return { url, kubectl, stop };
    await sleep(1000);
  }
}
