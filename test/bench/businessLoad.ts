// The business load whose latency shows what a contender costs production: agents' edits and reads of open tickets,
// driven by pgbench (PostgreSQL's own tool, outside the benchmark's process) at a fixed rate. With --rate, pgbench
// counts each transaction's latency from its scheduled start (open loop), so a stall shows as latency on every
// transaction it delays rather than as fewer samples; its per-transaction log is the record.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { loadVersions } from '../../infra/local/versions.ts';

const PGBENCH = `/usr/lib/postgresql/${loadVersions().postgres.major}/bin/pgbench`;

// An agent saves an open ticket (a commit: it waits for the WAL flush), and opens one with its customer's page.
const UPDATE = `\\set n random(1, :open)
UPDATE public.tickets SET last_operated_at = now(), last_operator_id = :n % 2000, priority = 1 + :n % 4
 WHERE id = (SELECT id FROM bench.open_tickets WHERE n = :n);
`;
const READ = `\\set n random(1, :open)
SELECT * FROM public.tickets WHERE id = (SELECT id FROM bench.open_tickets WHERE n = :n);
SELECT id, subject, status, created_at FROM public.tickets
 WHERE customer_id = (SELECT customer_id FROM bench.open_tickets WHERE n = :n) ORDER BY created_at DESC LIMIT 50;
`;
/** Scripts in pgbench's numbering (its log's script_no). */
const SCRIPTS = ['update', 'read'] as const;
export type BusinessScript = (typeof SCRIPTS)[number];

export interface LoadWindow {
  seconds: number;
  /** Latency (ms, from the scheduled start) of each transaction, by script. */
  latencies: Record<BusinessScript, number[]>;
  /** Transactions pgbench reported failed or skipped. */
  failed: number;
}

export class BusinessLoad {
  private readonly dir = mkdtempSync(join(tmpdir(), 'bench-business-'));
  private open = 0;

  /** `updatesPerSecond` edits, and half as many reads, a second. */
  constructor(
    private readonly databaseUrl: string,
    private readonly updatesPerSecond: number,
  ) {
    writeFileSync(join(this.dir, 'update.sql'), UPDATE);
    writeFileSync(join(this.dir, 'read.sql'), READ);
  }

  /** The open tickets the agents work on, numbered for pgbench's random(); a table of the benchmark's own. */
  async prepare(db: pg.Pool): Promise<number> {
    await db.query('CREATE SCHEMA IF NOT EXISTS bench');
    await db.query('DROP TABLE IF EXISTS bench.open_tickets');
    await db.query(
      `CREATE TABLE bench.open_tickets AS
         SELECT row_number() OVER (ORDER BY id)::int AS n, id, customer_id FROM public.tickets WHERE status <> 'closed'`,
    );
    await db.query('ALTER TABLE bench.open_tickets ADD PRIMARY KEY (n)');
    await db.query('ANALYZE bench.open_tickets');
    const { rows } = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM bench.open_tickets');
    this.open = Number(rows[0]?.n);
    if (this.open === 0) throw new Error('the business load needs open tickets');
    return this.open;
  }

  /** One window of `seconds` of load; resolves when pgbench has finished and its log is read. */
  async window(seconds: number): Promise<LoadWindow> {
    const prefix = join(this.dir, `w${Date.now()}`);
    const rate = this.updatesPerSecond * 1.5;
    const args = [
      '-n', // no vacuum of pgbench's own tables: there are none
      '-c',
      '8',
      '-j',
      '2',
      '-R',
      String(rate),
      '-T',
      String(seconds),
      '-l',
      `--log-prefix=${prefix}`,
      '-D',
      `open=${this.open}`,
      '-f',
      `${join(this.dir, 'update.sql')}@2`,
      '-f',
      `${join(this.dir, 'read.sql')}@1`,
      this.databaseUrl,
    ];
    const { code, stderr } = await run(PGBENCH, args, (seconds + 60) * 1000);
    if (code !== 0) throw new Error(`pgbench exited with ${code}: ${stderr.slice(-1500)}`);
    const out: LoadWindow = { seconds, latencies: { update: [], read: [] }, failed: 0 };
    const base = prefix.split('/').pop() as string;
    for (const file of readdirSync(this.dir).filter((f) => f.startsWith(`${base}.`))) {
      for (const line of readFileSync(join(this.dir, file), 'utf8').split('\n')) {
        // client_id transaction_no time script_no time_epoch time_us [schedule_lag]; time is "failed"/"skipped" if so.
        const f = line.split(' ');
        if (f.length < 6) continue;
        const script = SCRIPTS[Number(f[3])];
        const us = Number(f[2]);
        if (script === undefined || !Number.isFinite(us)) out.failed++;
        else out.latencies[script].push(us / 1000);
      }
      rmSync(join(this.dir, file));
    }
    return out;
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', reject);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
