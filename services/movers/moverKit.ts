// What a mover (archiver, reconciler, backfill) needs, opened in one place and closed in reverse by its lifecycle: the
// hot database as the movers' role sees it, the cold store (its indexes ensured), the throttle and the operator's
// rate cap, the shared move paced by both and counted, and the per-minute progress samples of the history. Each mover
// keeps only its own loop. Under DRY_RUN nothing is written: no indexes, no progress, and every move stops at its
// decision (core/move/moveTickets.ts).
import { moverDeps } from '../core/move/movers.ts';
import { moveTickets, recordUnmovable, type Candidate, type MoveDeps } from '../core/move/moveTickets.ts';
import { countOutcomes, type TicketOutcome } from '../core/move/outcome.ts';
import type { ColdTicketStore, MoveOrigin } from '../core/move/ports.ts';
import type { StuckScheduler } from '../core/move/followUp.ts';
import type { ProgressCounters, ProgressSample } from '../core/progressSample.ts';
import { MoveRateLimiter } from '../core/rateLimit.ts';
import type { MoverSettings } from '../core/settings.ts';
import type { ArchiveSpec } from '../core/spec/archiveSpec.ts';
import { openColdStore, type ColdStore } from '../edges/coldStore/index.ts';
import { openMoverHotStore, type MoverHotStore } from '../edges/hotStore/index.ts';
import type { Lifecycle } from '../runtime/lifecycle.ts';
import type { Logger } from '../runtime/logger.ts';
import { recordProgress } from '../runtime/progressRecorder.ts';
import { moverThrottle, type ThrottleLoop, type ThrottleLoopDeps } from '../runtime/throttleLoop.ts';

export type MoverSettingsOf = MoverSettings & { INSTANCE_NAME: string; MAX_MOVES_PER_SECOND?: number };

export interface MoverKitOptions {
  role: ProgressSample['role'];
  /** What is archived and when. */
  spec: ArchiveSpec;
  log: Logger;
  life: Lifecycle;
  /** The tickets topic's partition count: a ticket's timer is filed under the partition of its events. */
  partitions: number;
  /** Connections to the hot database. */
  poolSize: number;
  /** When a stuck deletion is tried again (the reconciler backs off and escalates; the others only say when). */
  scheduleStuck: StuckScheduler;
  /** Readings of the moment for the history (the archiver's lag). */
  progressExtra?: () => Promise<Pick<ProgressSample, 'lag'>>;
  onThrottleReading?: ThrottleLoopDeps['onReading'];
}

export interface MoverKit {
  hot: MoverHotStore;
  cold: ColdStore;
  /** The cold store as a move writes it, with the archiver group's timers. */
  coldMoves: ColdTicketStore;
  deps: MoveDeps;
  throttle: ThrottleLoop;
  /** What this mover did so far (cumulative), as the history records it. */
  counters: ProgressCounters;
  /** The shared move, at the rate the cap and the throttle allow, counted. */
  move: (candidates: Candidate[], origin: MoveOrigin) => Promise<TicketOutcome[]>;
  /** Records the candidates as stuck deletions with the reason: for work retrying cannot cure. Counted. */
  giveUp: (candidates: Candidate[], err: unknown) => Promise<TicketOutcome[]>;
}

export async function openMoverKit(s: MoverSettingsOf, o: MoverKitOptions): Promise<MoverKit> {
  const { life, log } = o;
  const hot = await life.opened(
    openMoverHotStore(
      {
        databaseUrl: s.DATABASE_URL,
        applicationName: `ticket-archiver/${s.INSTANCE_NAME}`,
        poolSize: o.poolSize,
        onIdleError: (err) =>
          log.warn({ err: err.message }, 'an idle PostgreSQL connection was closed by the server; it will be replaced'),
      },
      o.spec,
    ),
    (h) => h.close(),
  );
  const cold = await life.opened(openColdStore(s.MONGODB_URL, o.spec, { database: s.COLD_DATABASE }), (c) => c.close());
  if (!s.DRY_RUN) await cold.ensureIndexes();
  const coldMoves = cold.forMoves(s.ARCHIVER_GROUP_ID);
  const deps = moverDeps(s, {
    spec: o.spec,
    hot: hot.tickets(s.COLD_AFTER),
    cold: coldMoves,
    log,
    partitions: o.partitions,
    scheduleStuck: o.scheduleStuck,
  });
  const counters: ProgressCounters = {
    moves: {},
    stuckRecorded: 0,
    deadLettered: 0,
    batches: { count: 0, seconds: 0 },
  };
  const throttle = moverThrottle(
    s,
    {
      // Under DRY_RUN no commit is timed: each writes a WAL record.
      sample: (commits) => hot.health.sample(s.DRY_RUN ? 0 : commits),
      moved: () => counters.moves.archived ?? 0,
      log,
      onReading: o.onThrottleReading,
    },
    life,
  );
  const limiter = new MoveRateLimiter({
    cap: s.MAX_MOVES_PER_SECOND ?? 0,
    allowed: () => throttle.allowed(),
    stopping: () => life.stopping(),
  });

  const counted = async (work: () => Promise<TicketOutcome[]>): Promise<TicketOutcome[]> => {
    const began = performance.now();
    const outcomes = await work();
    for (const [outcome, n] of Object.entries(countOutcomes(outcomes))) {
      counters.moves[outcome] = (counters.moves[outcome] ?? 0) + n;
    }
    counters.stuckRecorded += outcomes.filter((x) => x.outcome === 'stuck').length;
    counters.batches.count += 1;
    counters.batches.seconds += (performance.now() - began) / 1000;
    return outcomes;
  };

  if (!s.DRY_RUN) {
    recordProgress(
      {
        instance: s.INSTANCE_NAME,
        role: o.role,
        retentionMs: s.HISTORY_RETENTION,
        counters: () => counters,
        extra: async () => {
          const t = throttle.state();
          const mode = s.THROTTLE ? t.mode : 'off';
          return { ...(await o.progressExtra?.()), throttle: { mode, rate: Number.isFinite(t.rate) ? t.rate : null } };
        },
        write: (sample) => cold.progress.record(sample),
        log,
      },
      life,
    );
  }
  return {
    hot,
    cold,
    coldMoves,
    deps,
    throttle,
    counters,
    async move(candidates, origin) {
      await limiter.take(candidates.length);
      return counted(() => moveTickets(deps, candidates, origin));
    },
    giveUp: (candidates, err) => counted(() => recordUnmovable(deps, candidates, err)),
  };
}
