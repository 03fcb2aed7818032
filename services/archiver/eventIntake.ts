// Event intake: a partition's batch of change events, one chunk of ARCHIVE_BATCH_SIZE at a time, in order. Each chunk
// is parsed (bad messages become dead letters), planned (core/eventPlan.ts), and carried out: timers for tickets cold
// later, a move for tickets cold now. Its offset is committed only once all of that is durable. A failure retrying
// can cure is retried with backoff (the partition waits, lag grows, nothing is skipped); one it cannot cure is never
// retried: the chunk's tickets become stuck deletions with the reason, and the partition moves on.
import type { Logger } from 'pino';
import {
  errorMessage,
  isRetriable,
  MalformedEventError,
  RetryAbandonedError,
  TicketArchiverError,
} from '../core/errors.ts';
import { planEvents, type EventPlan, type ReceivedEvent } from '../core/eventPlan.ts';
import type { Candidate } from '../core/move/followUp.ts';
import type { ColdTimerEntry, LedgerEntry, MoveOrigin } from '../core/move/ports.ts';
import { withRetry, type RetryPolicy } from '../core/retry.ts';
import type { EventShape } from '../core/spec/eventShape.ts';
import { parseTicketEvent } from '../core/ticketEvent.ts';
import type { DeadLetter, PartitionBatch, TicketMessage } from '../edges/kafka/index.ts';
import type { ArchiverMetrics } from './metrics.ts';
import type { MoveRunner } from './moveRunner.ts';
import type { PartitionQueues } from './partitionQueues.ts';

export interface IntakeDeps {
  /** What the spec's change events carry and how to read them. */
  shape: EventShape;
  batchSize: number;
  coldAfterMs: number;
  dryRun: boolean;
  queues: PartitionQueues;
  mover: MoveRunner;
  setTimers(timers: ColdTimerEntry[], now: Date): Promise<void>;
  deadLetters: { readonly topic: string; send(letters: DeadLetter[]): Promise<void> };
  /** For metrics only (the archiver's own deletes against the business's), read after the chunk is committed. */
  readLedger(ids: string[]): Promise<Map<string, LedgerEntry>>;
  metrics: Pick<ArchiverMetrics, 'events' | 'deadLettered' | 'retries'>;
  log: Logger;
  retry: RetryPolicy;
  /** Injected for tests (default: a timer). */
  sleep?: (ms: number) => Promise<unknown>;
  stopping(): boolean;
  now(): number;
}

export interface EventIntake {
  handleBatch(batch: PartitionBatch): Promise<void>;
  /** Per partition in hand, when the oldest message not yet committed was produced (epoch ms): a partition that
   * stalls, for any cause, shows here as an age that grows. */
  oldestPending(): ReadonlyMap<number, number>;
}

export function eventIntake(d: IntakeDeps): EventIntake {
  const pendingSince = new Map<number, number>();
  function parse(partition: number, messages: TicketMessage[]): { events: ReceivedEvent[]; letters: DeadLetter[] } {
    const events: ReceivedEvent[] = [];
    const letters: DeadLetter[] = [];
    for (const message of messages) {
      try {
        const event = parseTicketEvent(message.key, message.value, d.shape);
        events.push({ partition, offset: message.offset, event });
        d.metrics.events.inc({ kind: event.kind === 'upsert' && event.snapshot ? 'snapshot-read' : event.kind });
      } catch (err) {
        if (!(err instanceof MalformedEventError)) throw err;
        letters.push({ message, partition, reason: err.message });
        d.metrics.events.inc({ kind: 'malformed' });
      }
    }
    return { events, letters };
  }

  async function carryOut(
    partition: number,
    plan: EventPlan,
    letters: DeadLetter[],
    where: Omit<MoveOrigin, 'source'>,
  ): Promise<void> {
    if (letters.length > 0) {
      if (!d.dryRun) await d.deadLetters.send(letters);
      for (const l of letters) {
        d.metrics.deadLettered.inc({ reason: l.reason.split(':')[0]?.slice(0, 60) ?? 'unknown' });
        d.log.error(
          { partition, offset: l.message.offset, reason: l.reason, deadLetterTopic: d.deadLetters.topic },
          'malformed message dead-lettered',
        );
      }
    }
    if (plan.truncates > 0) {
      d.log.error(
        { partition, truncates: plan.truncates },
        'TRUNCATE of public.tickets seen: no ticket is moved or deleted because of it; check the cold store and the hot table',
      );
    }
    // Reopened and deleted tickets keep their timers until they fire: the move re-reads the ticket, finds it hot or
    // gone, and removes the timer then (cheaper than a delete per event; the re-read is the real guard).
    if (!d.dryRun) await d.setTimers(plan.timers, new Date(d.now()));
    for (let i = 0; i < plan.moveNow.length; i += d.batchSize)
      await d.mover.move('events', plan.moveNow.slice(i, i + d.batchSize), where);
  }

  /** Work that retrying cannot cure: the chunk's tickets become stuck deletions, its bad messages are reported. */
  async function giveUp(partition: number, plan: EventPlan, letters: DeadLetter[], err: unknown): Promise<void> {
    const concerned: Candidate[] = [...plan.moveNow, ...plan.timers.map((t) => ({ id: t.id, version: t.version }))];
    d.log.error(
      { partition, err: errorMessage(err), tickets: concerned.length, offsets: letters.map((l) => l.message.offset) },
      'a chunk failed for a reason retrying cannot cure; its tickets are recorded as stuck deletions and the partition moves on',
    );
    if (concerned.length === 0 || d.dryRun) return;
    try {
      await d.mover.giveUp('events', concerned, err);
    } catch (recordErr) {
      // Not even the stuck records can be written: nothing may be committed, so the chunk waits and is tried again
      // (the partition's lag grows and the retries are counted, for an operator to see).
      throw new TicketArchiverError(`could not record the chunk's tickets as stuck: ${errorMessage(recordErr)}`, {
        retriable: true,
        cause: recordErr,
      });
    }
  }

  async function handleChunk(partition: number, messages: TicketMessage[]): Promise<string[]> {
    const { events, letters } = parse(partition, messages);
    const plan = planEvents(events, d.coldAfterMs, d.now());
    const where = {
      partition,
      offsets: [messages[0]?.offset ?? '', messages[messages.length - 1]?.offset ?? ''] as [string, string],
    };
    try {
      await carryOut(partition, plan, letters, where);
    } catch (err) {
      if (isRetriable(err)) throw err;
      await giveUp(partition, plan, letters, err);
    }
    return plan.deleted;
  }

  async function countDeletes(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const ledger = await d.readLedger(ids);
    for (const id of ids) {
      const own = ledger.get(id)?.state === 'archived';
      d.metrics.events.inc({ kind: own ? 'delete-by-archiver' : 'delete-by-business' });
      if (!own) d.log.info({ ticketId: id }, 'ticket deleted by business code; nothing to archive');
    }
  }

  return {
    oldestPending: () => pendingSince,
    async handleBatch(batch) {
      try {
        await handleChunks(batch);
      } finally {
        pendingSince.delete(batch.partition);
      }
    },
  };

  async function handleChunks(batch: PartitionBatch): Promise<void> {
    for (let i = 0; i < batch.messages.length; i += d.batchSize) {
      if (!batch.live() || d.stopping()) return;
      const chunk = batch.messages.slice(i, i + d.batchSize);
      pendingSince.set(batch.partition, Math.min(...chunk.map((m) => m.timestampMs)));
      let deleted: string[];
      try {
        deleted = await withRetry(
          () => d.queues.run(batch.partition, () => handleChunk(batch.partition, chunk)),
          d.retry,
          {
            shouldContinue: () => !d.stopping() && batch.live(),
            onRetry: async (err, attempt, delayMs) => {
              d.metrics.retries.inc({ stage: 'events' });
              d.log.warn(
                { stage: 'events', partition: batch.partition, attempt, delayMs, err: errorMessage(err) },
                'transient failure; retrying',
              );
              await batch.heartbeat().catch(() => undefined);
            },
            ...(d.sleep ? { sleep: d.sleep } : {}),
          },
        );
      } catch (err) {
        if (err instanceof RetryAbandonedError) return; // not committed: redelivered to whoever owns the partition next
        throw err;
      }
      // Dry runs change nothing, offsets included.
      if (!d.dryRun) await batch.commit((chunk[chunk.length - 1] as TicketMessage).offset);
      await countDeletes(deleted).catch((err: unknown) =>
        d.log.debug({ err: errorMessage(err) }, 'could not tell who deleted tickets (metrics only)'),
      );
      await batch.heartbeat();
    }
  }
}
