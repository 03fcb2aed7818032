// A contender's run under the agents' load, as every backfill stage measures it: the load prepared, quiet windows
// before it starts, WAL counted by role from its start; afterwards the business latency of the alternated windows and
// the hot WAL a moved ticket cost.
import pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import type { LoadWindow } from './businessLoad.ts';
import { BusinessLoad } from './businessLoad.ts';
import { businessTraffic, walPerTicket, type BusinessTraffic, type WalPerTicket } from './businessTraffic.ts';
import type { StageOptions } from './stage.ts';
import {
  quietOnly,
  resetStatementWal,
  statementWalByRole,
  walCounters,
  type AlternatedWindows,
  type WalCounters,
} from './trafficWindows.ts';

// The business load runs as the superuser, a role no contender uses: WAL by role tells theirs apart.
const BUSINESS_ROLE = 'postgres';

export class LoadedRun {
  readonly load: BusinessLoad;
  /** CHECKPOINT and pg_stat_statements need the superuser: the benchmark's, never a mover's. */
  readonly admin: pg.Pool;
  private quiet: LoadWindow[] = [];
  private wal0: WalCounters | undefined;

  constructor(
    env: StackEnv,
    private readonly o: StageOptions,
  ) {
    this.load = new BusinessLoad(env.STACK_PG_SUPERUSER_URL, o.trafficPerSecond);
    this.admin = new pg.Pool({ connectionString: env.STACK_PG_SUPERUSER_URL, max: 2 });
  }

  /** The load's tickets, the quiet windows before the contender, and the WAL counters from zero. */
  async before(db: pg.Pool): Promise<void> {
    await this.load.prepare(db);
    this.quiet = (await quietOnly(this.load, this.admin, this.o.baselineSeconds, this.o.repeats)).quiet;
    await resetStatementWal(this.admin);
    this.wal0 = await walCounters(this.admin);
  }

  /** What the contender (its database roles) cost business code and the hot WAL. */
  async after(
    alt: AlternatedWindows,
    moverRoles: string[],
    wallSeconds: number,
    moved: number,
  ): Promise<{ traffic: BusinessTraffic; wal: WalPerTicket }> {
    const wal1 = await walCounters(this.admin);
    const byRole = await statementWalByRole(this.admin);
    return {
      traffic: businessTraffic(this.quiet, alt, this.o.baselineSeconds),
      wal: walPerTicket(
        this.wal0 ?? wal1,
        wal1,
        byRole,
        { movers: moverRoles, business: BUSINESS_ROLE },
        wallSeconds,
        moved,
      ),
    };
  }

  async close(): Promise<void> {
    this.load.close();
    await this.admin.end();
  }
}
