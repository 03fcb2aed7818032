// The random-fault run: for a set duration, the nine faults strike at random times, alone or several at once
// (randomSchedule.ts, replayable by its seed), under live traffic and a backfill that keeps getting work (a wave of
// tickets, cold ones among them, every few minutes, as a bulk import would bring). Then, as every fault run ends:
// settle, reconcile, verify and the suite's checks over every ticket created.
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../services/core/errors.ts';
import { conclude, conclusionFields } from './conclusion.ts';
import { strike, type StrikeContext } from './faultActions.ts';
import type { FaultStack } from './faultStack.ts';
import { randomSchedule, seededRandom, FAULT_KINDS, type FaultKind } from './randomSchedule.ts';
import { faultCodeVersion, type FaultResult } from './results.ts';
import { beginFaultRun, type RunOptions } from './faultRun.ts';
import { loadTickets, type LoadedTickets } from './ticketLoad.ts';

export interface RandomRunOptions extends RunOptions {
  seed: number;
  durationMs: number;
  /** Mean time between strikes. */
  meanGapMs: number;
  /** Tickets of each wave of new work, and how often one comes. */
  waveTickets: number;
  waveEveryMs: number;
}

export interface RandomFaultResult extends FaultResult {
  seed: number;
  durationMinutes: number;
  faultsByKind: Record<FaultKind, number>;
  strikes: Array<{ plannedSeconds: number; atSeconds: number; kinds: FaultKind[]; notes: string[] }>;
  waves: number;
}

export async function runRandomFaults(stack: FaultStack, o: RandomRunOptions): Promise<RandomFaultResult> {
  const log = (m: string) => o.log(`[random] ${m}`);
  const began = Date.now();
  const run = await beginFaultRun(stack, o, `faults-random-${o.seed}`, log);
  const { env, stores, superuser, groupId, fleet, traffic, connectors } = run;
  try {
    const batches: LoadedTickets[] = [run.loaded];
    const ctx: StrikeContext = {
      stack,
      table: o.table,
      env,
      groupId,
      fleet,
      traffic,
      superuser,
      addedColumns: [],
      random: seededRandom(o.seed ^ 0x5bd1e995),
    };
    const schedule = randomSchedule(o.seed, o.durationMs, o.meanGapMs);
    log(
      `seed ${o.seed}: ${schedule.length} strikes over ${o.durationMs / 60_000} min: ${schedule.map((s) => `${Math.round(s.atMs / 1000)}s ${s.kinds.join('+')}`).join(', ')}`,
    );
    const start = Date.now();
    let running = true;
    const waves = (async () => {
      for (let next = start + o.waveEveryMs; running; next += o.waveEveryMs) {
        while (running && Date.now() < next) await sleep(500);
        if (!running) return;
        // One chunk, one transaction: a wave is loaded whole or not at all (a database outage skips it).
        const wave = await loadTickets(o.table, stores.db, stores.textDb, o.waveTickets, o.coldAfterSeconds).catch(
          (err: unknown) => void log(`wave skipped: ${errorMessage(err)}`),
        );
        if (wave) {
          batches.push(wave);
          log(`wave ${batches.length - 1}: ${wave.total} tickets, ${wave.coldIds.length} cold`);
        }
      }
    })();
    const strikes: RandomFaultResult['strikes'] = [];
    for (const s of schedule) {
      while (Date.now() - start < s.atMs) await sleep(200);
      const atSeconds = Math.round((Date.now() - start) / 1000);
      log(`strike at ${atSeconds} s: ${s.kinds.join(' + ')}`);
      const notes = await strike(ctx, s.kinds);
      // As a Deployment would: two archivers again whatever the strike left.
      while (fleet.members.length < 2) fleet.start();
      strikes.push({ plannedSeconds: Math.round(s.atMs / 1000), atSeconds, kinds: s.kinds, notes });
      log(`strike over: ${notes.join('; ')}`);
    }
    while (Date.now() - start < o.durationMs) await sleep(500);
    running = false;
    await waves;
    const faultEnded = Date.now();
    await traffic.stop();
    log(`faults and traffic stopped: ${JSON.stringify(traffic.counts)}`);

    const touched = traffic.touched;
    const end = await conclude({
      stores,
      env,
      groupId,
      fleet,
      coldAfterSeconds: o.coldAfterSeconds,
      settleTimeoutSeconds: o.settleTimeoutSeconds,
      faultEnded,
      checks: {
        table: o.table,
        created: new Set([...batches.flatMap((b) => idRange(b)), ...traffic.inserted]),
        // Each wave's rows were hashed over the columns the table had when it was loaded.
        untouched: new Map(
          batches.flatMap((b) =>
            [...b.hashes].filter(([id]) => !touched.has(id)).map(([id, hash]) => [id, { hash, columns: b.columns }]),
          ),
        ),
        addedColumns: ctx.addedColumns,
      },
      log,
    });
    const faultsByKind = Object.fromEntries(
      FAULT_KINDS.map((k) => [k, strikes.filter((s) => s.kinds.includes(k)).length]),
    ) as Record<FaultKind, number>;
    const result: RandomFaultResult = {
      scenario: `random (seed ${o.seed})`,
      table: o.table.sql,
      tickets: batches.reduce((n, b) => n + b.total, 0) + traffic.inserted.length,
      ...conclusionFields(end, fleet, connectors),
      title: `the nine faults at random for ${o.durationMs / 60_000} min, alone and together, under traffic and waves of new work`,
      fault: `${strikes.length} strikes: ${Object.entries(faultsByKind)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
      traffic: { ...traffic.counts },
      runSeconds: Math.round((Date.now() - began) / 1000),
      date: new Date().toISOString(),
      machine: o.machine,
      code: faultCodeVersion(),
      seed: o.seed,
      durationMinutes: o.durationMs / 60_000,
      faultsByKind,
      strikes,
      waves: batches.length - 1,
    };
    log(`result: ${JSON.stringify({ ...result, strikes: undefined })}`);
    return result;
  } finally {
    await run.close();
  }
}

function idRange(b: LoadedTickets): string[] {
  const ids: string[] = [];
  for (let id = b.firstId; id <= b.lastId; id++) ids.push(id.toString());
  return ids;
}
