// How the cold store holds the product's plain records: ids, versions and other bigints as int64 (Long), dates as
// BSON dates. The driver hands int64 values that fit a double back as numbers, hence `Long | number` on reads.
import { Long } from 'mongodb';
import type { ColdDocument } from '../../core/move/coldDocument.ts';
import type { FailureClass } from '../../core/failureClass.ts';

export type Int64 = Long | number;

/** A ticket's cold document as stored: `_id` = ticket id. */
export interface StoredColdDocument extends Omit<
  ColdDocument,
  '_id' | 'version' | 'customer_id' | 'last_operator_id' | 'last_operator_group_id'
> {
  _id: Int64;
  version: Int64;
  customer_id: Int64 | null;
  last_operator_id: Int64 | null;
  last_operator_group_id: Int64 | null;
}

/** A timer belongs to one consumer group (one deployment): `_id` is "<group>/<ticket id>". */
export interface StoredTimer {
  _id: string;
  group: string;
  ticketId: Int64;
  version: Int64;
  dueAt: Date;
  partition: number;
  updatedAt: Date;
}

export interface StoredStuckDeletion {
  _id: Int64;
  version: Int64;
  reason: string;
  code: string | null;
  failureClass: FailureClass;
  attempts: number;
  firstAttemptAt: Date;
  lastAttemptAt: Date;
  nextAttemptAt: Date;
  escalated: boolean;
}

export const int64 = (id: string | number): Long => Long.fromString(String(id));
const int64OrNull = (text: string | null): Long | null => (text === null ? null : int64(text));
// Tolerant of what a damaged document may lack: `verify` reports such documents instead of failing on them.
const text = (value: Int64 | null | undefined): string | null =>
  value === null || value === undefined ? null : value.toString();

export function toStored(doc: ColdDocument): StoredColdDocument {
  return {
    ...doc,
    _id: int64(doc._id),
    version: int64(doc.version),
    customer_id: int64OrNull(doc.customer_id),
    last_operator_id: int64OrNull(doc.last_operator_id),
    last_operator_group_id: int64OrNull(doc.last_operator_group_id),
  };
}

export function fromStored(doc: StoredColdDocument): ColdDocument {
  return {
    ...doc,
    _id: doc._id.toString(),
    version: text(doc.version) ?? '',
    customer_id: text(doc.customer_id),
    last_operator_id: text(doc.last_operator_id),
    last_operator_group_id: text(doc.last_operator_group_id),
  };
}
