// One reconciler pass: retry due stuck deletions, clear restored tickets' left-over archives, settle moves interrupted
// before their commit (and left-over copies), sweep tickets that are cold but still hot past the freshness target, and
// prune the hot ledger. Every move goes through the movers' shared move, whose follow-up plan also schedules and
// escalates stuck deletions. The summary of each pass is kept in the cold store's pass history. Under DRY_RUN the
// pass decides and reports what it would do and writes nothing.
import { randomUUID } from 'node:crypto';
import { errorMessage, RetryAbandonedError } from '../core/errors.ts';
import type { PassSummary } from '../core/passSummary.ts';
import {
  finishUnfinishedCopies,
  retryStuck,
  settleUnfinishedMoves,
  sweep,
  type PassDeps,
  type Tally,
} from './reconcileSteps.ts';

export type { PassSummary } from '../core/passSummary.ts';
export type { PassDeps } from './reconcileSteps.ts';

export async function reconcileOnce(d: PassDeps): Promise<PassSummary> {
  const summary: PassSummary = {
    _id: randomUUID(),
    instance: d.instance,
    startedAt: new Date(),
    endedAt: new Date(),
    ok: false,
    counts: {
      stuckRetried: 0,
      stuckResolved: 0,
      stillStuck: 0,
      escalated: 0,
      restoredLeftoversRemoved: 0,
      unfinishedCopies: 0,
      swept: 0,
      heldBack: 0,
      ledgerPruned: 0,
    },
    outcomes: {},
    errors: [],
  };
  const tally: Tally = (outcomes) => {
    for (const o of outcomes) summary.outcomes[o.outcome] = (summary.outcomes[o.outcome] ?? 0) + 1;
  };
  try {
    await retryStuck(d, summary, tally);
    const restored = await d.hot.ledger.restoredTickets();
    if (!d.dryRun) summary.counts.restoredLeftoversRemoved = await d.cold.copies.removeAnyCopies(restored);
    await settleUnfinishedMoves(d, summary, tally);
    await finishUnfinishedCopies(d, summary, tally);
    await sweep(d, summary, tally, (await d.cold.runs.latest()).last?.sweptTo);
    // The evidence of old archives is in the cold store; the hot ledger keeps LEDGER_RETENTION of it.
    if (!d.dryRun) summary.counts.ledgerPruned = await d.hot.ledger.prune(d.ledgerRetentionMs, 100_000);
    summary.ok = true;
  } catch (err) {
    summary.errors.push(errorMessage(err));
    // Shut down while the throttle held a move back: the pass is cut short (recorded as not ok), not broken.
    if (err instanceof RetryAbandonedError)
      d.log.info({ err: errorMessage(err) }, 'reconcile pass stopped by shutdown');
    else d.log.error({ err: errorMessage(err) }, 'reconcile pass failed');
  } finally {
    summary.endedAt = new Date();
    if (!d.dryRun) {
      await d.cold.runs
        .record(summary)
        .catch((err: unknown) => d.log.error({ err: errorMessage(err) }, 'could not record the pass summary'));
    }
  }
  d.log.info(
    { runId: summary._id, ok: summary.ok, dryRun: d.dryRun, counts: summary.counts, outcomes: summary.outcomes },
    'reconcile pass finished',
  );
  return summary;
}
