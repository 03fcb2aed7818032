// CPU seconds per stack component and an archiver's peak memory, read from /proc (Linux), so the report can say
// where the machine's time went during a run, not only how long it took.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface Proc {
  ppid: number;
  cpuSeconds: number;
  /** CPU of its children that exited and that it waited for (cutime + cstime). */
  reapedCpuSeconds: number;
  cmdline: string;
  /** The process's root directory: a chroot (the cold store's PostgreSQL) shows here, not in its command line. */
  root: string;
}

function readProcs(): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the parenthesised command name, which may itself hold spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      let root = '/';
      try {
        root = readlinkSync(`/proc/${pid}/root`);
      } catch {
        // not ours to read
      }
      procs.set(pid, {
        ppid: Number(fields[1]),
        cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
        reapedCpuSeconds: (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND,
        cmdline,
        root,
      });
    } catch {
      // exited while we looked
    }
  }
  return procs;
}

/** Names the component a top-level process of the stack is, or undefined when it is not one. */
function componentOf(pid: number, p: Proc, stackDirs: string[], archivers: Map<number, string>): string | undefined {
  const archiver = archivers.get(pid);
  if (archiver) return archiver;
  if (stackDirs.some((d) => p.root.startsWith(`${d}/`) && p.root.endsWith('/cold-store-root')))
    return 'cold store backend (PostgreSQL 18 + DocumentDB)';
  if (!stackDirs.some((d) => p.cmdline.includes(d))) return undefined;
  if (p.cmdline.includes('/data/cold-store-postgres')) return 'cold store backend (PostgreSQL)';
  if (p.cmdline.includes('/data/postgres')) return 'hot PostgreSQL';
  if (p.cmdline.includes('ConnectDistributed')) return 'Kafka Connect + Debezium';
  if (p.cmdline.includes('kafka.Kafka')) return 'Kafka';
  if (/ferretdb|mongod/i.test(p.cmdline)) return 'cold store (FerretDB)';
  return undefined;
}

/** Cumulative CPU seconds of each component's processes (children included, e.g. PostgreSQL backends). With
 * `reaped`, also the CPU of the children that exited (a backend whose client disconnected): counted in its parent.
 * `stackDir`: the stack's directory, or it and the stores' data directory where that lives apart. */
export function componentCpu(
  stackDir: string | string[],
  archivers: Map<number, string>,
  reaped = false,
): Map<string, number> {
  const dirs = typeof stackDir === 'string' ? [stackDir] : stackDir;
  const procs = readProcs();
  const totals = new Map<string, number>();
  for (const [pid, p] of procs) {
    let at: number | undefined = pid;
    let component: string | undefined;
    for (let depth = 0; at !== undefined && at > 1 && depth < 8 && component === undefined; depth++) {
      const proc = procs.get(at);
      if (!proc) break;
      component = componentOf(at, proc, dirs, archivers);
      at = proc.ppid;
    }
    const cpu = p.cpuSeconds + (reaped ? p.reapedCpuSeconds : 0);
    if (component) totals.set(component, (totals.get(component) ?? 0) + cpu);
  }
  return totals;
}

/** CPU seconds per component between two readings. */
export function cpuBetween(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, seconds] of after) out[name] = Math.round((seconds - (before.get(name) ?? 0)) * 10) / 10;
  return out;
}

/** Peak resident memory of a live process (VmHWM), MB. */
export function peakRssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmHWM for process ${pid}`);
  return Math.round(kb / 1024);
}

/** CPU seconds of one live process so far. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident memory of a live process now (VmRSS), MB. */
export function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024);
}

export interface MemoryPoint {
  atSeconds: number;
  rssMB: number;
}

/** CPU seconds and peak memory of a process, read while it lives: the last reading stays after it exits; and its
 * resident memory over time (one point every `everyMs`), to show whether it levels off or grows. */
export class ProcessSampler {
  private cpu = 0;
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly began = performance.now();
  readonly memory: MemoryPoint[] = [];

  constructor(private readonly pid: number) {}

  sample(): void {
    try {
      this.cpu = processCpuSeconds(this.pid);
      this.peak = Math.max(this.peak, peakRssMB(this.pid));
      this.memory.push({ atSeconds: Math.round((performance.now() - this.began) / 100) / 10, rssMB: rssMB(this.pid) });
    } catch {
      // exited: the last reading stands
    }
  }

  start(everyMs = 1000): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    return this;
  }

  stop(): { cpuSeconds: number; peakRssMB: number; memory: MemoryPoint[] } {
    clearInterval(this.timer);
    this.sample();
    return { cpuSeconds: this.cpu, peakRssMB: this.peak, memory: this.memory };
  }
}
