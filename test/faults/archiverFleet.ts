// The archiver processes of one consumer group, supervised the way a Kubernetes Deployment would: an instance that
// exits on its own is started again (and counted), one killed on purpose is replaced at once.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StackEnv } from '../../infra/local/stack.ts';
import { startArchiverProcess, waitReady, type ArchiverProcess } from '../support/archiverProcess.ts';

export class ArchiverFleet {
  /** Every process ever started, for their logs. */
  readonly all: ArchiverProcess[] = [];
  members: ArchiverProcess[] = [];
  /** Instances that exited without being asked to, and were started again. */
  crashes = 0;
  private readonly stopping = new Set<ArchiverProcess>();
  private supervising = true;
  private readonly supervisor: Promise<void>;
  private serial = 0;

  constructor(
    private readonly env: StackEnv,
    private readonly settings: Record<string, string>,
    private readonly log: (m: string) => void,
  ) {
    this.supervisor = this.supervise();
  }

  start(): ArchiverProcess {
    const a = startArchiverProcess(this.env, { ...this.settings, INSTANCE_NAME: `fault-archiver-${++this.serial}` });
    this.all.push(a);
    this.members.push(a);
    return a;
  }

  async startReady(n: number): Promise<void> {
    const started = Array.from({ length: n }, () => this.start());
    await Promise.all(started.map((a) => waitReady(a, 120_000)));
  }

  /** Waits until the instance is inside a move (tickets in flight), then kills it with SIGKILL and starts a replacement. */
  async kill9MidMove(a: ArchiverProcess, timeoutMs = 60_000): Promise<{ inFlight: number }> {
    const inFlight = await this.inFlight([a], timeoutMs);
    this.stopping.add(a);
    await a.kill9();
    this.members = this.members.filter((m) => m !== a);
    this.start();
    this.log(`killed ${a.name} with SIGKILL (${inFlight} tickets in flight); replacement started`);
    return { inFlight };
  }

  /** Waits until one of `among` is inside a move; returns its tickets in flight (0 if none was within `timeoutMs`). */
  async inFlight(among: ArchiverProcess[] = this.members, timeoutMs = 60_000): Promise<number> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(20)) {
      const counts = await Promise.all(among.map((a) => a.metric('ticket_archiver_moves_in_flight').catch(() => 0)));
      const most = Math.max(0, ...counts);
      if (most > 0) return most;
    }
    return 0;
  }

  /** SIGTERM: the instance finishes or abandons its batch, commits, and leaves the group. */
  async stop(a: ArchiverProcess): Promise<void> {
    this.stopping.add(a);
    const code = await a.stop();
    this.members = this.members.filter((m) => m !== a);
    if (code !== 0) throw new Error(`${a.name} exited with ${code} on SIGTERM:\n${a.lines.slice(-20).join('\n')}`);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.members].map((a) => this.stop(a)));
  }

  async close(): Promise<void> {
    this.supervising = false;
    await this.supervisor;
    for (const a of this.all) {
      this.stopping.add(a);
      await a.kill9();
    }
  }

  /** Every instance's log, one after the other, into `file` (for a run that did not settle). */
  writeLogs(file: string): void {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, this.all.map((a) => `=== ${a.name}\n${a.lines.join('\n')}\n`).join(''));
  }

  /** Log lines of every instance that contain `message` as their msg. */
  count(message: string): number {
    const needle = `"msg":"${message}"`;
    return this.all.reduce((n, a) => n + a.lines.filter((l) => l.includes(needle)).length, 0);
  }

  /** Move outcomes summed over every instance, from each one's last progress log line (an instance killed with
   * SIGKILL loses what it did after its last line, at most 5 s of work). */
  outcomes(): Record<string, number> {
    const sum: Record<string, number> = {};
    for (const a of this.all) {
      const last = a.lines.findLast((l) => l.includes('"msg":"progress"'));
      if (!last) continue;
      const { outcomes } = JSON.parse(last) as { outcomes?: Record<string, number> };
      for (const [k, v] of Object.entries(outcomes ?? {})) sum[k] = (sum[k] ?? 0) + v;
    }
    return sum;
  }

  private async supervise(): Promise<void> {
    while (this.supervising) {
      for (const a of [...this.members]) {
        if (a.proc.exitCode === null || this.stopping.has(a)) continue;
        this.crashes++;
        this.log(
          `${a.name} exited on its own with ${a.proc.exitCode}; starting it again:\n${a.lines.slice(-8).join('\n')}`,
        );
        this.members = this.members.filter((m) => m !== a);
        this.start();
      }
      await sleep(500);
    }
  }
}
