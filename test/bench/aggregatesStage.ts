// The aggregates part (issue 25: "the benchmark gains an aggregate workload beside the single-row one"): the direct
// backfill (`ticket-archiver backfill`) moving Zammad tickets with their parts (5-20 articles of realistic sizes,
// flags, attachment rows, raw mails, histories, time, tags), beside the same tickets moved as rows only and beside the
// brief's single-row table, in one run on the benchmark's own stack. The tickets come in rounds: each round loads the
// next slice into every workload's database, settles them (vacuum, analyze, checkpoint), then backfills each workload
// in turn, the order rotated from round to round, so that whatever else loads the machine meanwhile weighs on every
// workload alike. No CDC runs (the stack's connector and its slot are removed first): the direct backfill needs none.
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { loadConnectorDefinition } from '../../services/edges/kafkaConnect/index.ts';
import { dropDeskConnector } from '../support/helpdeskStack.ts';
import type { IsolatedStack } from '../support/isolatedStack.ts';
import { defaultSpec } from '../support/specs.ts';
import { mainThreadProfile, measureBackfill, type Workload } from './aggregateBackfill.ts';
import { checkWorkload, type WorkloadCheck } from './aggregateChecks.ts';
import { bodySizes } from './aggregateData.ts';
import {
  addTrips,
  roundRatios,
  rotation,
  summarize,
  tripsPerBatch,
  type BackfillMeasure,
  type Trips,
  type TripsPerBatch,
  type WorkloadName,
  type WorkloadSummary,
} from './aggregateMath.ts';
import { closeWorkload, databaseSizes, openWorkload, WORKLOAD_LABELS } from './aggregateWorkloads.ts';
import type { ProfileSummary } from './cpuProfile.ts';
import type { StageOptions } from './stage.ts';
import { round, type Spread } from './stats.ts';

const WORKLOADS: WorkloadName[] = ['parts', 'roots', 'single'];
const GROUP = 'bench-aggregates';

export interface AggregatesResult {
  tickets: number;
  rounds: number;
  coldAfterMs: number;
  workloads: Array<{ name: WorkloadName; label: string; database: string; specFile: string }>;
  /** The bodies (bytes) of the articles of the first round's tickets, as generated; and the hot and cold databases' sizes at the end. */
  data: {
    bodies: Record<string, number>;
    partRowsPerColdTicket: Record<string, number>;
    sizes: Record<string, { hotBytes: number; coldStorageBytes: number }>;
    loadSeconds: number;
  };
  runs: BackfillMeasure[];
  summaries: WorkloadSummary[];
  /** Tickets per second of one workload over another's, round by round. */
  ratios: { partsVsRoots: Spread | null; partsVsSingle: Spread | null; rootsVsSingle: Spread | null };
  /** Round trips per batch (of ARCHIVE_BATCH_SIZE tickets) of each workload's backfills, all rounds. */
  trips: Record<string, { batches: number; kinds: TripsPerBatch[] }>;
  /** One more backfill of tickets with parts (not in the rates) under the V8 sampling profiler: where its CPU went. */
  profile: { run: BackfillMeasure; summary?: ProfileSummary };
  checks: WorkloadCheck[];
  loadAverage: { atStart: number; perBackfill: number[]; atEnd: number };
  notes: string[];
}

/** The part's own flags (--aggregates-tickets, --aggregates-rounds, --aggregates-verify). */
export interface AggregatesOptions {
  aggregatesTickets: number;
  aggregatesRounds: number;
  /** Tickets `verify --sample` checks in each workload at the end. */
  aggregatesVerify: number;
}

export const aggregatesOptions = (o: AggregatesOptions): AggregatesOptions => ({
  aggregatesTickets: o.aggregatesTickets,
  aggregatesRounds: o.aggregatesRounds,
  aggregatesVerify: o.aggregatesVerify,
});

/** Removes the stack's own connector and its slot: without them no walsender decodes the benchmark's WAL. */
async function withoutCdc(stack: IsolatedStack): Promise<void> {
  const def = loadConnectorDefinition(defaultSpec);
  const slot = def.config['slot.name'] ?? 'ticket_archiver_cdc';
  await dropDeskConnector(stack.env, { database: '', connector: def.name, slot, topicPrefix: '' });
}

/** The table the move re-reads its tickets from, as the round-trip counts name it. */
const rootRead = (w: Workload) => `pg SELECT ${w.spec.table.schema}.${w.spec.table.name} (rows)`;

export async function aggregatesStage(
  stack: IsolatedStack,
  o: StageOptions & AggregatesOptions,
): Promise<AggregatesResult> {
  const log = (m: string) => o.log(m);
  log('starting a wiped stack');
  const env = await stack.fresh();
  await withoutCdc(stack);
  const mongo = await MongoClient.connect(env.MONGODB_URL, { writeConcern: { w: 'majority', journal: true } });
  const workloads: Workload[] = [];
  try {
    for (const name of WORKLOADS) workloads.push(await openWorkload(env, mongo, name, o.coldAfterMs, log));
    const atStart = round(loadavg()[0] ?? 0, 2);
    const perBackfill: number[] = [];
    const runs: BackfillMeasure[] = [];
    const per = Math.ceil(o.aggregatesTickets / o.aggregatesRounds);
    let loadSeconds = 0;
    let bodies: Record<string, number> = {};
    const context = { coldAfterMs: o.coldAfterMs, group: GROUP, stackDir: stack.settings.dir, log };
    const parts = workloads.find((w) => w.name === 'parts') as Workload;
    for (let r = 0; r < o.aggregatesRounds; r++) {
      const range = { from: r * per + 1, to: Math.min(o.aggregatesTickets, (r + 1) * per) };
      const began = performance.now();
      for (const w of workloads) await w.load(range);
      // Settled as autovacuum would leave a table after a bulk load (it is off on these tables: see aggregateSql.ts).
      for (const w of workloads) await w.superuser.query('VACUUM (ANALYZE)');
      loadSeconds += (performance.now() - began) / 1000;
      if (r === 0) bodies = await bodySizes(parts.owner);
      for (const w of rotation(workloads, r)) {
        runs.push(await measureBackfill(w, r, context));
        perBackfill.push(round(loadavg()[0] ?? 0, 2));
      }
    }
    // Beyond the measured rounds: the tickets with parts once more, under the V8 sampling profiler (not in the rates).
    const profileDir = join(o.profileDir, 'aggregates');
    mkdirSync(profileDir, { recursive: true });
    const more = Math.min(per, 5000);
    await parts.load({ from: o.aggregatesTickets + 1, to: o.aggregatesTickets + more });
    await parts.superuser.query('VACUUM (ANALYZE)');
    const profiled = await measureBackfill(parts, o.aggregatesRounds, context, [
      '--cpu-prof',
      `--cpu-prof-dir=${profileDir}`,
    ]);
    const profile = mainThreadProfile(profileDir);
    const summaries = workloads.map((w) => summarize(runs.filter((x) => x.workload === w.name)));
    for (const s of summaries)
      log(
        `${WORKLOAD_LABELS[s.workload]}: ${s.ticketsPerSecond} tickets/s, ${s.partRowsPerSecond} part rows/s, ${s.textMBPerSecond} MB/s of text, WAL ${s.walBytesPerTicket} B/ticket, mover CPU ${s.moverCpuMsPerTicket} ms/ticket`,
      );
    const trips: AggregatesResult['trips'] = {};
    for (const w of workloads) {
      const all = runs
        .filter((x) => x.workload === w.name)
        .reduce((a, x) => addTrips(a, x.trips), {} as Record<string, Trips>);
      trips[w.name] = tripsPerBatch(all, rootRead(w));
    }
    log('checking every workload (and verify --sample)');
    const checks: WorkloadCheck[] = [];
    for (const w of workloads)
      checks.push(
        await checkWorkload(w, [...runs, profiled], {
          coldAfterMs: o.coldAfterMs,
          group: GROUP,
          verifySample: o.aggregatesVerify,
        }),
      );
    for (const c of checks) log(`${WORKLOAD_LABELS[c.workload]}: ${c.ok ? 'OK' : `FAILED ${JSON.stringify(c)}`}`);
    const partRuns = runs.filter((x) => x.workload === 'parts');
    const coldTickets = partRuns.reduce((s, x) => s + x.expected.tickets, 0);
    const partRowsPerColdTicket: Record<string, number> = {};
    for (const x of partRuns)
      for (const [path, p] of Object.entries(x.expected.byPart))
        partRowsPerColdTicket[path] = (partRowsPerColdTicket[path] ?? 0) + p.rows / coldTickets;
    const sizes: AggregatesResult['data']['sizes'] = {};
    for (const w of workloads) sizes[w.name] = await databaseSizes(w);
    return {
      tickets: o.aggregatesTickets,
      rounds: o.aggregatesRounds,
      coldAfterMs: o.coldAfterMs,
      workloads: workloads.map((w) => ({ name: w.name, label: w.label, database: w.database, specFile: w.specFile })),
      data: {
        bodies,
        partRowsPerColdTicket: Object.fromEntries(
          Object.entries(partRowsPerColdTicket).map(([k, v]) => [k, round(v, 2)]),
        ),
        sizes,
        loadSeconds: round(loadSeconds, 0),
      },
      runs,
      summaries,
      ratios: {
        partsVsRoots: roundRatios(runs, 'parts', 'roots'),
        partsVsSingle: roundRatios(runs, 'parts', 'single'),
        rootsVsSingle: roundRatios(runs, 'roots', 'single'),
      },
      trips,
      profile: { run: profiled, ...(profile ? { summary: profile } : {}) },
      checks,
      loadAverage: { atStart, perBackfill, atEnd: round(loadavg()[0] ?? 0, 2) },
      notes: [
        `${o.aggregatesTickets} tickets in each database, loaded in ${o.aggregatesRounds} rounds of ${per}; of each 100, 70 closed and cold, 10 closed within half of COLD_AFTER (the backfill sets their timers), 20 open`,
        'each round: the next tickets loaded into every database, VACUUM (ANALYZE); then each workload backfilled in turn, the order rotated each round; before each backfill a CHECKPOINT, after it a VACUUM (ANALYZE) whose WAL is counted apart',
        'autovacuum off on the benchmark tables (the explicit vacuums stand in for it), no CDC (the stack connector and slot removed), THROTTLE=false, BACKFILL_WORKERS 2, ARCHIVE_BATCH_SIZE at its default',
        'the root-only database holds the same ticket rows and no part rows; the single-row database holds the default spec table with lean rows (bodies of a few hundred bytes)',
        'seconds: from the backfill plan (its log line) to its last move commit (the ledger); wall seconds add the program start (tsx) and its end; mover CPU counted from the plan on',
        'WAL: pg_current_wal_lsn before and after each backfill, the server alone (no other database writes meanwhile); full-page images from pg_stat_wal',
        `then ${more} more tickets loaded into the database with parts and backfilled once more under node --cpu-prof (the profile; not in the rates, in the checks)`,
        'the machine was shared: other suites ran on their own stacks meanwhile (load averages recorded); rates are depressed by that, and the rotation spreads it over the workloads',
      ],
    };
  } finally {
    for (const w of workloads) await closeWorkload(w);
    await mongo.close().catch(() => undefined);
  }
}
