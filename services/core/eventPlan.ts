// What a chunk of change events asks for, decided without I/O: the latest event of each ticket wins (a ticket's
// events are ordered within its partition), then the cold rule says move now, set a timer, or nothing: a ticket whose
// row is outside the spec's row filter cannot turn cold and gets no timer (one it had stays until it fires: the move
// re-reads it, finds it hot and removes the timer then). The database decides at the move; this only proposes.
import { coldAt } from './coldRule.ts';
import { dateOrNull } from './timestamps.ts';
import type { TicketEvent } from './ticketEvent.ts';

export interface ReceivedEvent {
  partition: number;
  offset: string;
  event: TicketEvent;
}

export interface EventPlan {
  /** Closed and already cold by the event's data: move now (the move re-reads and decides again). */
  moveNow: Array<{ id: string; version: string }>;
  /** Closed, cold later: a durable timer. */
  timers: Array<{ id: string; version: string; dueAt: Date; partition: number }>;
  /** Deleted rows: the archiver's own deletes, or business deletes (told apart by the ledger). */
  deleted: string[];
  truncates: number;
}

export function planEvents(events: ReceivedEvent[], coldAfterMs: number, nowMs: number): EventPlan {
  const latest = new Map<string, ReceivedEvent>();
  let truncates = 0;
  for (const e of events) {
    if (e.event.kind === 'truncate') {
      truncates++;
      continue;
    }
    if (e.event.kind === 'tombstone') continue;
    latest.set(String(e.event.id), e);
  }
  const plan: EventPlan = { moveNow: [], timers: [], deleted: [], truncates };
  for (const [id, { event, partition }] of latest) {
    if (event.kind === 'delete') {
      plan.deleted.push(id);
    } else if (event.kind === 'upsert') {
      const { change } = event;
      // Without a version column (xmin), the event's transaction id stands for the version it saw.
      const version = change.version ?? event.source.txId ?? '';
      const due = coldAt({ closed: change.mayTurnCold, lastOperatedAtMs: change.activityMs }, coldAfterMs);
      if (due === undefined) continue;
      // A ticket that turns cold beyond a Date's range ('infinity') needs no timer.
      const dueAt = dateOrNull(due);
      if (due <= nowMs) plan.moveNow.push({ id, version });
      else if (dueAt) plan.timers.push({ id, version, dueAt, partition });
    }
  }
  return plan;
}
