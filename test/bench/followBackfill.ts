// Following a backfill: the moves recorded in the ledger every 2 s (an index range over the last seconds, never a count
// of the table: the benchmark's watching must not load the database it measures), and what `ticket-archiver status`
// predicts at 10, 25, 50 and 75% of it. The table is counted only when the ledger says all is moved, or nothing moved
// for STALL_MS (a mover gave up: the run ends and says how many were left).
import { setTimeout as sleep } from 'node:timers/promises';
import type { StackEnv } from '../../infra/local/stack.ts';
import { archiverEnv } from '../support/archiverEnv.ts';
import { runCli } from '../support/runCli.ts';
import type { BenchStores } from './benchStores.ts';
import { statusEtaOf, type EtaAsked, type StatusEta } from './etaChecks.ts';
import type { StageOptions } from './stage.ts';
import type { ProgressSample } from './stats.ts';
import { LedgerProgress } from './ledgerProgress.ts';
import { coldLeft } from './ticketData.ts';

const PROGRESS_EVERY_MS = 2000;
const STALL_MS = 120_000;
/** Near the end (this many tickets or 0.5%), a reading without progress for this long recounts the ledger. */
const RECOUNT_WITHIN = 5000;
const RECOUNT_AFTER_MS = 10_000;
const ETA_AT = [0.1, 0.25, 0.5, 0.75];

/** Asks `ticket-archiver status --json` for its ETA, as an operator would. */
export async function statusEta(env: StackEnv, o: StageOptions, groupId: string): Promise<StatusEta> {
  const res = await runCli(
    ['status', '--json'],
    archiverEnv(env, { COLD_AFTER: `${o.coldAfterMs}ms`, ARCHIVER_GROUP_ID: groupId }),
    120_000,
    o.program,
  );
  return statusEtaOf(res.stdout, res.code);
}

/** Samples the cold rows left in the hot table until none is left, `until` says stop, or the window closes. */
export async function followBackfill(
  stores: BenchStores,
  o: StageOptions,
  initialCold: number,
  began: number,
  until: () => boolean,
  etaProbe?: () => Promise<StatusEta>,
  /** Tickets moved so far, where the contender counts them itself (the batch copier writes no ledger). */
  movedSoFar?: () => number,
): Promise<{
  progress: ProgressSample[];
  left: number;
  windowed: boolean;
  etas: EtaAsked[];
}> {
  const progress: ProgressSample[] = [{ atMs: 0, done: 0 }];
  const etas: EtaAsked[] = [];
  const pending: Array<Promise<void>> = [];
  let asked = 0;
  let lastLog = 0;
  const ledger = new LedgerProgress(stores.pool, new Date(Date.now() - (performance.now() - began)));
  let lastChange = { atMs: 0, done: 0 };
  for (;;) {
    await sleep(PROGRESS_EVERY_MS);
    let done = Math.min(initialCold, movedSoFar ? movedSoFar() : await ledger.moved());
    const atMs = performance.now() - began;
    // Stuck just short of the end: rows committed late behind the ledger's edge (a mover paused mid-move), not a stall.
    const nearEnd = initialCold - done <= Math.max(RECOUNT_WITHIN, initialCold / 200);
    if (!movedSoFar && nearEnd && done < initialCold && atMs - lastChange.atMs > RECOUNT_AFTER_MS)
      done = Math.min(initialCold, await ledger.recount());
    progress.push({ atMs, done });
    if (done > lastChange.done) lastChange = { atMs, done };
    const counted =
      done >= initialCold || atMs - lastChange.atMs > STALL_MS ? await coldLeft(stores.pool, o.coldAfterMs) : undefined;
    const left = counted ?? initialCold - done;
    const fraction = (initialCold - left) / initialCold;
    const next = ETA_AT[asked];
    if (etaProbe && next !== undefined && fraction >= next && left > 0) {
      asked++;
      pending.push(
        etaProbe().then(
          (e) => void etas.push({ fraction: Math.round(fraction * 1000) / 1000, atSeconds: atMs / 1000, ...e }),
        ),
      );
    }
    if (atMs - lastLog > 30_000) {
      lastLog = atMs;
      o.log(
        `moved ${initialCold - left} of ${initialCold} (${(((initialCold - left) * 1000) / atMs).toFixed(0)}/s so far)`,
      );
    }
    if (counted !== undefined && atMs - lastChange.atMs > STALL_MS)
      o.log(`no move for ${STALL_MS / 1000} s; ${left} cold tickets left`);
    if (left === 0 || until() || (counted !== undefined && atMs - lastChange.atMs > STALL_MS))
      return { progress, left, windowed: false, etas: await Promise.all(pending).then(() => etas) };
    if (o.untilMoved !== undefined && initialCold - left >= o.untilMoved)
      return { progress, left, windowed: true, etas: await Promise.all(pending).then(() => etas) };
  }
}
