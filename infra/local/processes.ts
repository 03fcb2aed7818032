// Starting, finding and stopping the local stack's long-running processes.
// Each daemon runs detached with its output in <stack>/logs/<name>.log and its pid in <stack>/run/<name>.pid.
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export class ComponentError extends Error {
  constructor(
    readonly component: string,
    message: string,
    readonly logFile?: string,
  ) {
    super(`${component}: ${message}${logFile ? `\n--- last lines of ${logFile} ---\n${tailFile(logFile, 30)}` : ''}`);
    this.name = 'ComponentError';
  }
}

export function tailFile(file: string, lines: number): string {
  if (!existsSync(file)) return '(no log file)';
  const text = readFileSync(file, 'utf8');
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(component: string, cmd: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw new ComponentError(component, `cannot run ${cmd}: ${result.error.message}`);
  if (result.status !== 0) {
    const out = `${String(result.stdout ?? '')}\n${String(result.stderr ?? '')}`
      .trim()
      .split('\n')
      .slice(-30)
      .join('\n');
    throw new ComponentError(component, `${cmd} ${args.join(' ')} exited with ${result.status}\n${out}`);
  }
  return String(result.stdout ?? '');
}

export function commandExists(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export interface Daemon {
  name: string;
  pidFile: string;
  logFile: string;
}

export function daemon(runDir: string, logDir: string, name: string): Daemon {
  return { name, pidFile: join(runDir, `${name}.pid`), logFile: join(logDir, `${name}.log`) };
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number | undefined): pid is number {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not yet reaped) is not running.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(stat);
  } catch {
    return true;
  }
}

export function daemonPid(d: Daemon): number | undefined {
  const pid = readPid(d.pidFile);
  return isAlive(pid) ? pid : undefined;
}

/** Starts a detached process that outlives this one. */
export function startDaemon(
  d: Daemon,
  cmd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): number {
  mkdirSync(join(d.pidFile, '..'), { recursive: true });
  mkdirSync(join(d.logFile, '..'), { recursive: true });
  const out = openSync(d.logFile, 'a');
  writeFileSync(out, `\n=== ${new Date().toISOString()} starting ${cmd} ${args.join(' ')}\n`);
  const child = spawn(cmd, args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: options.env ?? process.env,
    cwd: options.cwd,
  });
  closeSync(out);
  if (child.pid === undefined) throw new ComponentError(d.name, `could not start ${cmd}`, d.logFile);
  child.unref();
  writeFileSync(d.pidFile, `${child.pid}\n`);
  return child.pid;
}

/** Sends SIGTERM, waits, then SIGKILL. Returns when the process is gone. */
export async function stopPid(pid: number, graceMs: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(200);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  while (isAlive(pid)) await sleep(100);
}

export async function stopDaemon(d: Daemon, graceMs = 30_000): Promise<boolean> {
  const pid = daemonPid(d);
  if (pid !== undefined) await stopPid(pid, graceMs);
  rmSync(d.pidFile, { force: true });
  return pid !== undefined;
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function assertPortFree(component: string, port: number, variable: string): Promise<void> {
  if (await portOpen(port)) {
    throw new ComponentError(
      component,
      `port ${port} on 127.0.0.1 is already taken by another program; stop it or choose another port with ${variable}`,
    );
  }
}

/**
 * Polls `check` until it returns true. Fails fast with the log tail if the process dies,
 * and with a timeout error naming the component otherwise.
 */
export async function waitUntil(
  component: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; pid?: () => number | undefined; logFile?: string; what: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (options.pid && options.pid() === undefined) {
      throw new ComponentError(component, `process exited while waiting for ${options.what}`, options.logFile);
    }
    if (Date.now() > deadline) {
      throw new ComponentError(
        component,
        `not ${options.what} after ${Math.round(options.timeoutMs / 1000)} s${lastError ? ` (last error: ${lastError})` : ''}`,
        options.logFile,
      );
    }
    await sleep(500);
  }
}
