// The evidence of what happened to a ticket besides its archive (ticket_archive.ticket_audit): restores, stuck
// deletions recorded, escalated and closed. An archive's own evidence is its document and its move's record; the hot
// ledger may be pruned, this may not.
import type { Collection, Db } from 'mongodb';
import { guardedCold } from './connection.ts';
import type { KeyCodec, StoredKey } from './documents.ts';

export type AuditEvent = 'restored' | 'stuck' | 'escalated' | 'stuckClosed';

export interface AuditEntry {
  ticketId: string;
  at: Date;
  event: AuditEvent;
  version?: string;
  detail: Record<string, unknown>;
}

interface StoredAuditEntry extends Omit<AuditEntry, 'ticketId'> {
  ticketId: StoredKey;
}

export class AuditTrail {
  private readonly entries: Collection<StoredAuditEntry>;

  constructor(
    db: Db,
    private readonly keys: KeyCodec,
  ) {
    this.entries = db.collection<StoredAuditEntry>('ticket_audit');
  }

  async ensureIndexes(): Promise<void> {
    await this.entries.createIndex({ ticketId: 1, at: 1 }, { name: 'ticket_at' });
  }

  record(entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return guardedCold(
      'recording audit entries',
      async () =>
        void (await this.entries.insertMany(entries.map((e) => ({ ...e, ticketId: this.keys.stored(e.ticketId) })))),
    );
  }

  of(ticketId: string): Promise<AuditEntry[]> {
    return guardedCold(`reading the audit trail of ticket ${ticketId}`, async () =>
      (
        await this.entries
          .find({ ticketId: this.keys.stored(ticketId) })
          .sort({ at: 1 })
          .toArray()
      ).map(({ _id, ticketId: id, ...rest }) => ({ ...rest, ticketId: id.toString() })),
    );
  }
}
