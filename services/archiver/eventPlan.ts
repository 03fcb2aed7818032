// What a chunk of change events asks for, decided without I/O: the latest event of each ticket wins (a ticket's
// events are ordered within its partition), then the cold rule says move now, set a timer, or cancel.
import { coldAt, timestampMs } from '../shared/coldRule.ts';
import type { TicketEvent } from '../shared/debezium/ticketEvent.ts';

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
  /** Hot again (reopened, in progress): any timer is cancelled. */
  cancel: string[];
  /** Deleted rows: the archiver's own deletes, or business deletes (told apart by the ledger). */
  deleted: string[];
  truncates: number;
  snapshotReads: number;
}

export function planEvents(events: ReceivedEvent[], coldAfterMs: number, nowMs: number): EventPlan {
  const latest = new Map<string, ReceivedEvent>();
  let truncates = 0;
  let snapshotReads = 0;
  for (const e of events) {
    if (e.event.kind === 'truncate') {
      truncates++;
      continue;
    }
    if (e.event.kind === 'tombstone') continue;
    if (e.event.kind === 'upsert' && e.event.snapshot) snapshotReads++;
    latest.set(String(e.event.id), e);
  }
  const plan: EventPlan = { moveNow: [], timers: [], cancel: [], deleted: [], truncates, snapshotReads };
  for (const [id, { event, partition }] of latest) {
    if (event.kind === 'delete') {
      plan.deleted.push(id);
    } else if (event.kind === 'upsert') {
      const version = String(event.row.version);
      const due = coldAt({ status: event.row.status, lastOperatedAtMs: timestampMs(event.row.last_operated_at) }, coldAfterMs);
      if (due === undefined) plan.cancel.push(id);
      else if (due <= nowMs) plan.moveNow.push({ id, version });
      else plan.timers.push({ id, version, dueAt: new Date(due), partition });
    }
  }
  return plan;
}
