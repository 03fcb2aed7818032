// `ticket-archiver audit <id>`: a ticket's whole archival life, from the evidence that stays: its cold document and the
// record of the move that wrote it (who, when, decided by which events, timer or search), the hot ledger while it keeps
// the entry, the audit trail (restores, stuck deletions, escalations), and where the ticket is now.
import { isArchive } from '../core/move/moveProtocol.ts';
import { dateOrNull, timestampMs } from '../core/timestamps.ts';
import type { ColdStore } from '../edges/coldStore/index.ts';
import type { MoverHotStore } from '../edges/hotStore/index.ts';

export interface AuditStep {
  at: string;
  what: string;
  detail: Record<string, unknown>;
}

export interface AuditReport {
  ticketId: string;
  /** Where the ticket is now. */
  now: {
    hot: { version: string; closed: boolean } | null;
    archived: { version: string; contentHash: string } | null;
    tier: 'hot' | 'cold' | 'both' | 'neither';
  };
  steps: AuditStep[];
  stuck: { reason: string; attempts: number; escalated: boolean; nextAttemptAt: string } | null;
  timer: { dueAt: string; version: string } | null;
}

interface ArchiveCopy {
  version: string;
  mover: string;
  move: string | undefined;
  copiedAt: Date | string | undefined;
  contentHash: string;
  columns: number | null;
  /** With parts: the rows of each part the move copied. */
  parts?: Record<string, number>;
}

/** ", with 3 articles, 1 articles.flags" */
const partsText = (parts: Record<string, number> | undefined) =>
  parts
    ? `, with ${Object.entries(parts)
        .map(([path, n]) => `${n} ${path}`)
        .join(', ')}`
    : '';
const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
/** ISO 8601 of a date or of PostgreSQL's text of one (the text itself when a Date cannot hold it). */
const iso = (d: Date | string) =>
  typeof d === 'string' ? (dateOrNull(timestampMs(d))?.toISOString() ?? d) : d.toISOString();

function decidedBy(origin: { source: string; partition?: number; offsets?: [string, string] } | undefined): string {
  if (!origin) return 'not recorded';
  if (origin.source === 'events')
    return `change events, partition ${origin.partition} offsets ${origin.offsets?.join('..')}`;
  return (
    {
      timers: 'its timer (cold by time alone)',
      stuck: 'the reconciler, retrying a stuck deletion',
      unfinished: 'the reconciler, settling an interrupted move',
      sweep: "the reconciler's sweep",
      backfill: 'a backfill',
    }[origin.source] ?? origin.source
  );
}

export async function auditTicket(
  hot: MoverHotStore,
  cold: ColdStore,
  group: string,
  id: string,
): Promise<AuditReport> {
  const steps: AuditStep[] = [];
  const [state, ledger, docs, trail, stuck, timer] = await Promise.all([
    hot.lookup.present([id]).then((m) => m.get(id)),
    hot.inspection.ledgerOf(id),
    cold.copies.ofTicket(id),
    cold.audit.of(id),
    cold.stuck.of(id),
    cold.timersOf(group).of(id),
  ]);
  let archived: AuditReport['now']['archived'] = null;
  // A restore removes the archive's document; its audit entry keeps what the document said, so the copy still shows.
  const copies: ArchiveCopy[] = docs.map((d) => ({
    version: d.version,
    mover: d.archive.mover,
    move: d.archive.move,
    copiedAt: d.archive.copiedAt,
    contentHash: d.archive.contentHash,
    columns: Object.keys(d.archive.columns).length,
    ...(d.archive.parts ? { parts: d.archive.parts.counts } : {}),
  }));
  for (const e of trail) {
    const move = e.detail.move;
    if (e.event !== 'restored' || typeof move !== 'string' || copies.some((c) => c.move === move)) continue;
    copies.push({
      version: e.version ?? '?',
      mover: text(e.detail.archivedBy) ?? 'unknown',
      move,
      copiedAt: e.detail.copiedAt instanceof Date ? e.detail.copiedAt : text(e.detail.copiedAt),
      contentHash: text(e.detail.contentHash) ?? '',
      columns: null,
    });
  }
  // One read per move, shared by the copy's steps and the archive check below.
  const moveIds = [...new Set(copies.flatMap((c) => (c.move ? [c.move] : [])))];
  const moves = new Map(await Promise.all(moveIds.map(async (m) => [m, await cold.moves.of(m)] as const)));
  for (const copy of copies) {
    const move = copy.move ? moves.get(copy.move) : undefined;
    const copiedAt = copy.copiedAt ?? move?.startedAt;
    steps.push({
      at: copiedAt ? iso(copiedAt) : '',
      what: `copied to the cold store (version ${copy.version}${partsText(copy.parts)}) by ${copy.mover}, decided by ${decidedBy(move?.origin)}`,
      detail: {
        move: copy.move ?? null,
        contentHash: copy.contentHash,
        columns: copy.columns,
        ...(copy.parts ? { parts: copy.parts } : {}),
      },
    });
    if (move?.committedAt)
      steps.push({
        at: iso(move.committedAt),
        what: `move committed: the copy is the archive`,
        detail: { move: move._id, archivedInMove: move.archived ?? null },
      });
    if (move?.state === 'abandoned')
      steps.push({
        at: iso(move.abandonedAt ?? move.startedAt),
        what: 'move abandoned by the reconciler (interrupted before its commit)',
        detail: { move: move._id },
      });
  }
  for (const doc of docs) {
    const moveState = doc.archive.move ? moves.get(doc.archive.move)?.state : undefined;
    if (doc.archive.archivedAt)
      steps.push({ at: iso(doc.archive.archivedAt), what: 'confirmed as the archive on its own', detail: {} });
    if (isArchive(doc.archive, moveState)) archived = { version: doc.version, contentHash: doc.archive.contentHash };
  }
  if (ledger) {
    steps.push({
      at: iso(ledger.at),
      what:
        ledger.state === 'archived'
          ? `deleted from the hot table (version ${ledger.version}) by ${ledger.mover}`
          : `restored into the hot table (version ${ledger.version}) by ${ledger.mover}`,
      detail: ledger.holdUntil ? { heldHotUntil: iso(ledger.holdUntil) } : {},
    });
  }
  for (const e of trail) {
    const what = {
      restored: 'restored: put back into the hot table, its archive removed',
      stuck: 'deletion stuck, recorded for the reconciler',
      escalated: 'deletion escalated to an operator',
      stuckClosed: 'stuck deletion closed',
    }[e.event];
    steps.push({ at: iso(e.at), what: `${what}${e.version ? ` (version ${e.version})` : ''}`, detail: e.detail });
  }
  steps.sort((a, b) => a.at.localeCompare(b.at));
  const tier = state && archived ? 'both' : state ? 'hot' : archived ? 'cold' : 'neither';
  return {
    ticketId: id,
    now: { hot: state ? { version: state.version, closed: state.closed } : null, archived, tier },
    steps,
    stuck: stuck
      ? {
          reason: stuck.reason,
          attempts: stuck.attempts,
          escalated: stuck.escalated,
          nextAttemptAt: stuck.nextAttemptAt.toISOString(),
        }
      : null,
    timer: timer ? { dueAt: timer.dueAt.toISOString(), version: timer.version } : null,
  };
}

export function renderAudit(r: AuditReport): string {
  const out = [
    `Ticket ${r.ticketId}: ${{ hot: 'hot', cold: 'archived (cold tier)', both: 'in both tiers (a move or a restore is under way)', neither: 'in neither tier' }[r.now.tier]}`,
  ];
  if (r.now.hot) out.push(`  hot: version ${r.now.hot.version}, ${r.now.hot.closed ? 'in the cold state' : 'open'}`);
  if (r.now.archived)
    out.push(`  archive: version ${r.now.archived.version}, content hash ${r.now.archived.contentHash.slice(0, 16)}…`);
  if (r.stuck)
    out.push(
      `  stuck deletion: ${r.stuck.reason} (${r.stuck.attempts} attempts${r.stuck.escalated ? ', escalated' : `, next ${r.stuck.nextAttemptAt}`})`,
    );
  if (r.timer) out.push(`  timer: due ${r.timer.dueAt} (version ${r.timer.version})`);
  out.push(
    '',
    'History:',
    ...(r.steps.length
      ? r.steps.map((s) => `  ${s.at.replace('T', ' ').slice(0, 23)}  ${s.what}`)
      : ['  no archival record: never copied, stuck or restored']),
  );
  return out.join('\n');
}
