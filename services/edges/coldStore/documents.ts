// How the cold store holds the product's plain records: a ticket's key as int64 when the spec's key is a whole number
// (integer, bigint), else as its text; versions as text (a version may be xmin); typed fields' whole numbers and the
// copy's read stamp as int64, dates as BSON dates. The driver hands int64 values that fit a double back as numbers,
// hence `Long | number` on reads.
import { Long } from 'mongodb';
import type { ColdDocument } from '../../core/move/coldDocument.ts';
import type { TypedValue } from '../../core/move/typedFields.ts';
import type { FailureClass } from '../../core/failureClass.ts';
import type { KeyType } from '../../core/spec/archiveSpec.ts';
import { integralKey } from '../../core/spec/ticketKeys.ts';

export type Int64 = Long | number;
export type StoredKey = Int64 | string;
export type StoredField = Int64 | Date | string | null;

/** A ticket's key as the cold store holds it, and back. */
export interface KeyCodec {
  stored(key: string): Long | string;
  text(stored: StoredKey): string;
}

export function keyCodec(type: KeyType): KeyCodec {
  return integralKey(type)
    ? { stored: (key) => Long.fromString(key), text: (stored) => stored.toString() }
    : { stored: (key) => key, text: (stored) => stored.toString() };
}

/** A ticket's cold document as stored: `_id` = ticket key. */
export interface StoredColdDocument extends Omit<ColdDocument, '_id' | 'fields' | 'archive'> {
  _id: StoredKey;
  fields: Record<string, StoredField>;
  archive: Omit<ColdDocument['archive'], 'readStamp'> & { readStamp: Int64 };
}

/** A timer belongs to one consumer group (one deployment): `_id` is "<group>/<ticket key>". */
export interface StoredTimer {
  _id: string;
  group: string;
  ticketId: StoredKey;
  version: string;
  dueAt: Date;
  partition: number;
  updatedAt: Date;
}

export interface StoredStuckDeletion {
  _id: StoredKey;
  version: string;
  reason: string;
  code: string | null;
  failureClass: FailureClass;
  attempts: number;
  firstAttemptAt: Date;
  lastAttemptAt: Date;
  nextAttemptAt: Date;
  escalated: boolean;
}

export const int64 = (n: string | number | bigint): Long => Long.fromString(String(n));

const storedField = (v: TypedValue): StoredField => (typeof v === 'bigint' ? int64(v) : v);
const typedField = (v: StoredField | undefined): TypedValue =>
  v instanceof Long || typeof v === 'number' ? BigInt(v.toString()) : (v ?? null);

export function toStored(doc: ColdDocument, keys: KeyCodec): StoredColdDocument {
  return {
    ...doc,
    _id: keys.stored(doc._id),
    fields: Object.fromEntries(Object.entries(doc.fields).map(([k, v]) => [k, storedField(v)])),
    archive: { ...doc.archive, readStamp: int64(doc.archive.readStamp) },
  };
}

/** Tolerant of what a damaged document may lack: `verify` reports such documents instead of failing on them. */
export function fromStored(doc: StoredColdDocument, keys: KeyCodec): ColdDocument {
  return {
    ...doc,
    _id: keys.text(doc._id),
    version: String(doc.version ?? ''),
    fields: Object.fromEntries(Object.entries(doc.fields ?? {}).map(([k, v]) => [k, typedField(v)])),
    archive: { ...doc.archive, readStamp: BigInt((doc.archive?.readStamp ?? 0).toString()) },
  };
}
