// Starts `ticket-archiver archive` as a real child process, as production runs it, for integration tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../../infra/local/settings.ts';
import type { StackEnv } from '../../infra/local/stack.ts';
import { archiverEnv } from './archiverEnv.ts';
import { SOURCE_PROGRAM } from './runCli.ts';

// readApi.test.ts imports these from here; it is being split on another branch. Import them from their own files.
export { groupAtEnd } from './ticketsTopic.ts';
export { waitFor } from './waitFor.ts';

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

/** `nodeOptions` go before the script (e.g. --cpu-prof, which NODE_OPTIONS does not allow); `command` is the
 * subcommand and its arguments (the archiver by default); `program` what runs it (the TypeScript under tsx, or an
 * installed program: runCli.ts). */
export function startArchiverProcess(
  env: StackEnv,
  overrides: Record<string, string>,
  nodeOptions: string[] = [],
  command: string[] = ['archive'],
  program: string[] = SOURCE_PROGRAM,
): ArchiverProcess {
  const name = overrides.INSTANCE_NAME ?? `test-archiver-${process.pid}-${++counter}`;
  const [node = process.execPath, ...script] = program;
  const proc = spawn(node, [...nodeOptions, ...script, ...command], {
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
