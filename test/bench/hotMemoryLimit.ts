// The hot database confined to less memory than its table (a memory cgroup over the PostgreSQL server and every
// process it forks, page cache included), so that re-reads and deletes pay for I/O as they would at 3 billion
// tickets, where no table fits in memory. Linux only, as root; cgroup v2 if mounted so, else v1's memory controller.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const NAME = 'ticket-archiver-bench-hot';

function cgroupDir(): { dir: string; limitFile: string } {
  const v2 = '/sys/fs/cgroup/cgroup.controllers';
  if (existsSync(v2) && readFileSync(v2, 'utf8').includes('memory'))
    return { dir: join('/sys/fs/cgroup', NAME), limitFile: 'memory.max' };
  if (existsSync('/sys/fs/cgroup/memory/cgroup.procs'))
    return { dir: join('/sys/fs/cgroup/memory', NAME), limitFile: 'memory.limit_in_bytes' };
  throw new Error('no memory cgroup controller here: the bigger-than-memory run needs one (and root)');
}

/** The server's postmaster and every descendant (backends, writers), from /proc. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const visit = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) visit(c);
  };
  visit(root);
  return out;
}

/**
 * Drops the page cache (the freshly generated table would otherwise stay cached outside the limit), then moves the
 * hot PostgreSQL of `dataDir` (its postmaster.pid) into a cgroup of `megabytes`. Returns a note for the results.
 */
export function confineHotDatabase(pgdata: string, megabytes: number): string {
  const pid = Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const { dir, limitFile } = cgroupDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, limitFile), String(megabytes * 2 ** 20));
  writeFileSync('/proc/sys/vm/drop_caches', '1');
  for (const p of processTree(pid)) writeFileSync(join(dir, 'cgroup.procs'), String(p));
  return `hot PostgreSQL (pid ${pid} and its children) confined to ${megabytes} MB (page cache included) in ${dir}; page cache dropped first`;
}

/** Removes the cgroup once its processes are gone (the stack stopped). */
export function releaseHotDatabase(): void {
  try {
    rmdirSync(cgroupDir().dir);
  } catch {
    // still in use or never made
  }
}
