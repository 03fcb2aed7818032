// A full disk under the cold store: its archives on a filesystem of bounded size (a tmpfs mounted inside the
// DocumentDB root, made the FerretDB database's default tablespace before anything is archived), filled to the last
// byte mid-backfill and freed a minute later. WAL stays on the stack's disk: a full tablespace fails inserts (ERROR
// 53100), not the server, as when a data volume fills while pg_wal lives apart. Moves must stop without deleting a hot
// row, the archivers say why and count their retries (the alert's reading), and everything resumes by itself.
import { chownSync, mkdirSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { coldBackendUrl } from '../../infra/local/components/coldStorePostgres.ts';
import { ensureDocumentDbRoot } from '../../infra/local/components/documentdbRoot.ts';
import { loadOrCreateSecrets } from '../../infra/local/secrets.ts';
import { loadVersions } from '../../infra/local/versions.ts';
import {
  FULL_FOR_MS,
  IN_ROOT,
  SIZE_MB,
  fillColdStoreDisk,
  filler,
  mountPoint,
  sh,
  unboundColdStoreDisk,
} from './coldStoreDisk.ts';
import type { FaultStack } from './faultStack.ts';
import type { Scenario } from './scenarios.ts';

/** Mounts a tmpfs of SIZE_MB inside the root and makes it the FerretDB database's default tablespace. */
async function boundColdStoreDisk(stack: FaultStack, log: (m: string) => void): Promise<void> {
  const s = stack.settings;
  if (process.getuid?.() !== 0) throw new Error('the cold-store-full scenario mounts a filesystem: run it as root');
  if (stack.coldStoreKind !== 'ferretdb')
    throw new Error(
      `the cold-store-full scenario bounds FerretDB's PostgreSQL; this stack's cold store is ${stack.coldStoreKind}`,
    );
  const root = ensureDocumentDbRoot(s, loadVersions(), log);
  const dir = mountPoint(s);
  unboundColdStoreDisk(s);
  mkdirSync(dir, { recursive: true });
  sh('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_MB}m,mode=0700`, 'tmpfs', dir]);
  chownSync(dir, root.uid, root.gid);
  const su = new pg.Client({
    connectionString: coldBackendUrl(s, loadOrCreateSecrets(s.secretsFile), 'postgres', 'postgres'),
  });
  await su.connect();
  try {
    await su.query(`CREATE TABLESPACE cold_bounded LOCATION '${IN_ROOT}'`);
    await su.query('ALTER DATABASE ferretdb SET default_tablespace = cold_bounded');
  } finally {
    await su.end();
  }
  // FerretDB's pooled sessions read the database's settings when they open: new ones for all.
  await stack.restart('cold-store');
  log(`cold store: its archives on a ${SIZE_MB} MB tmpfs (tablespace cold_bounded at ${IN_ROOT})`);
}

export const coldStoreFullScenario: Scenario = {
  name: 'cold-store-full',
  title: "the cold store's disk full for 60 s mid-backfill, then freed",
  component: 'cold-store',
  afterFresh: boundColdStoreDisk,
  async inject(ctx) {
    const s = ctx.stack.settings;
    await ctx.progress(0.3);
    const retries = async () =>
      (
        await Promise.all(ctx.fleet.members.map((a) => a.metric('ticket_archiver_retries_total').catch(() => 0)))
      ).reduce((sum, n) => sum + n, 0);
    const retriesBefore = await retries();
    const filledAt = Date.now();
    const bytes = fillColdStoreDisk(s);
    // Moves stop: nothing more archived for 15 s (what was in flight may still land first).
    let last = await ctx.archived();
    let stillSince = Date.now();
    while (Date.now() - stillSince < 15_000) {
      if (Date.now() - filledAt > FULL_FOR_MS - 5000) throw new Error('moves went on with the cold store disk full');
      await sleep(1000);
      const now = await ctx.archived();
      if (now !== last) [last, stillSince] = [now, Date.now()];
    }
    const stoppedAfter = Math.round((stillSince - filledAt) / 1000);
    await sleep(Math.max(0, FULL_FOR_MS - (Date.now() - filledAt)));
    const retried = (await retries()) - retriesBefore;
    const named = ctx.fleet.all.some((a) =>
      a.lines.some((l) => l.includes('transient failure; retrying') && /no space left|could not extend/i.test(l)),
    );
    rmSync(filler(s));
    if (retried <= 0) throw new Error('no retry counted while the cold store disk was full');
    if (!named) throw new Error("no archiver's log named the full disk");
    ctx.notes.push(
      `the cold store's ${SIZE_MB} MB tablespace filled at 30% (${Math.round(bytes / 2 ** 20)} MB of filler): moves stopped within ${stoppedAfter} s, ${retried} retries counted and logged with the cause; freed after ${FULL_FOR_MS / 1000} s`,
    );
  },
};
