// The timer loop: tickets that turn cold by time alone. Every TIMER_POLL_INTERVAL the due timers of the owned
// partitions are read (a range on the timers' index: due timers only, never a scan of the hot table) and moved,
// which keeps the delay after the due time far below FRESHNESS_TARGET.
import type { Logger } from 'pino';
import { errorMessage } from '../core/errors.ts';
import type { DueTimer } from '../edges/coldStore/index.ts';
import type { Lifecycle } from '../runtime/lifecycle.ts';
import type { ArchiverMetrics } from './metrics.ts';
import type { MoveRunner } from './moveRunner.ts';
import type { PartitionQueues } from './partitionQueues.ts';

export interface TimerLoopDeps {
  timers: { dueTimers(partitions: number[], until: Date, limit: number): Promise<DueTimer[]> };
  queues: PartitionQueues;
  mover: MoveRunner;
  /** The partitions this instance owns now. */
  assigned(): number[];
  stopping(): boolean;
  batchSize: number;
  freshnessTargetMs: number;
  pollIntervalMs: number;
  dryRun: boolean;
  metrics: Pick<ArchiverMetrics, 'timersDue' | 'lateMoves' | 'retries'>;
  log: Logger;
}

/** Polls the due timers every `pollIntervalMs` until `life` stops. */
export function runTimerLoop(d: TimerLoopDeps, life: Lifecycle): void {
  function reportLate(due: DueTimer[], outcomes: Array<{ id: string; version?: string; outcome: string }>): void {
    const dueAt = new Map(due.map((t) => [t.ticketId, t.dueAt.getTime()]));
    const doneAt = Date.now();
    for (const o of outcomes) {
      const at = dueAt.get(o.id);
      if (o.outcome === 'archived' && at !== undefined && doneAt - at > d.freshnessTargetMs) {
        d.metrics.lateMoves.inc();
        d.log.warn(
          { ticketId: o.id, ticketVersion: o.version, lateByMs: doneAt - at - d.freshnessTargetMs },
          'archived later than the freshness target',
        );
      }
    }
  }

  async function tick(): Promise<void> {
    if (d.stopping() || d.assigned().length === 0) return;
    for (;;) {
      const due = await d.timers.dueTimers(d.assigned(), new Date(), d.batchSize);
      d.metrics.timersDue.set(due.length);
      if (due.length === 0 || d.stopping()) return;
      // One move for every due timer (fewer round trips than one per partition: this is what keeps freshness), in
      // the queues of all the partitions involved.
      const outcomes = await d.queues.runAcross(
        due.map((t) => t.partition),
        () =>
          d.mover.move(
            'timers',
            due.map((t) => ({ id: t.ticketId, version: t.version, fromTimer: true })),
          ),
      );
      reportLate(due, outcomes);
      // A dry run leaves the timers in place (looping would report them again at once); a short page was the last.
      if (d.dryRun || due.length < d.batchSize) return;
    }
  }

  life.every(d.pollIntervalMs, tick, (err) => {
    d.metrics.retries.inc({ stage: 'timers' });
    d.log.warn({ err: errorMessage(err) }, 'timer tick failed; retrying at the next tick');
  });
}
