// The peer's target collection (the archiver's list indexes, on the peer's top-level columns) and the measurement:
// documents in it from the sink's start until it holds every ticket, the task fails, or it stops making progress.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db, IndexSpecification } from 'mongodb';
import type { StackEnv } from '../../infra/local/stack.ts';
import { groupLag } from '../support/ticketsTopic.ts';
import { PEER_COLLECTION, PEER_CONNECTOR, peerHealth } from './peerConnector.ts';
import type { ProgressSample } from './stats.ts';

/**
 * Creates the peer's collection with the indexes the archiver's reads keep on its cold documents (ticket_archive.
 * tickets, made by ensureIndexes), their `fields.<column>` keys as the peer's top-level `<column>`; the archiver's own
 * bookkeeping indexes (archive state) have no counterpart. Returns the names of the indexes made.
 */
export async function peerCollection(db: Db): Promise<string[]> {
  await db
    .collection(PEER_COLLECTION)
    .drop()
    .catch(() => undefined);
  await db.createCollection(PEER_COLLECTION);
  const made: string[] = [];
  const existing = (await db.collection('tickets').listIndexes().toArray()) as Array<{
    name: string;
    key: Record<string, 1 | -1>;
  }>;
  for (const ix of existing) {
    const key = ix.key;
    const fields = Object.keys(key);
    if (ix.name === '_id_' || !fields.every((f) => f === '_id' || f.startsWith('fields.'))) continue;
    const spec: IndexSpecification = Object.fromEntries(
      fields.map((f) => [f.replace(/^fields\./, ''), key[f] as 1 | -1]),
    );
    await db.collection(PEER_COLLECTION).createIndex(spec, { name: String(ix.name) });
    made.push(String(ix.name));
  }
  return made;
}

export interface PeerFollow {
  progress: ProgressSample[];
  docs: number;
  /** From the sink's registration to the sample that saw the last document (or the last progress). */
  seconds: number;
  firstDocSeconds: number | null;
  complete: boolean;
  lagAtEnd: number;
  errors: string[];
}

/** Samples the collection's count (every 250 ms near the end, else every second) until it holds `target` documents;
 * stops early when a part of the sink fails or nothing changed for `stallSeconds` with the group's lag at 0. */
export async function followPeer(
  env: StackEnv,
  db: Db,
  target: number,
  began: number,
  o: { timeoutSeconds: number; stallSeconds: number; log(m: string): void },
): Promise<PeerFollow> {
  const collection = db.collection(PEER_COLLECTION);
  const progress: ProgressSample[] = [{ atMs: 0, done: 0 }];
  const errors: string[] = [];
  let firstDocSeconds: number | null = null;
  let last = { atMs: 0, done: 0 };
  let lastChangeMs = 0;
  let lastCheck = 0;
  let lastLog = 0;
  for (;;) {
    await sleep(last.done >= target * 0.95 ? 250 : 1000);
    const done = await collection.countDocuments({});
    const atMs = performance.now() - began;
    if (done > 0 && firstDocSeconds === null) firstDocSeconds = atMs / 1000;
    if (done !== last.done) lastChangeMs = atMs;
    last = { atMs, done };
    progress.push(last);
    if (done >= target) break;
    if (atMs - lastLog > 15_000) {
      lastLog = atMs;
      o.log(`peer: ${done} of ${target} documents (${((done * 1000) / atMs).toFixed(0)}/s so far)`);
    }
    if (atMs - lastCheck > 5000) {
      lastCheck = atMs;
      const health = await peerHealth(env.KAFKA_CONNECT_URL);
      if (health.errors.length > 0) {
        errors.push(...health.errors);
        break;
      }
      const stalled = atMs - lastChangeMs > o.stallSeconds * 1000;
      if (stalled && (await groupLag(env, `connect-${PEER_CONNECTOR}`)) === 0) {
        errors.push(`no new document for ${o.stallSeconds} s with the sink's lag at 0: ${done} of ${target}`);
        break;
      }
    }
    if (atMs > o.timeoutSeconds * 1000) {
      errors.push(`gave up after ${o.timeoutSeconds} s: ${done} of ${target} documents`);
      break;
    }
  }
  // The end is the sample that saw the last document arrive, not a later one that saw nothing new.
  const endMs = last.done >= target ? last.atMs : lastChangeMs;
  return {
    progress,
    docs: last.done,
    seconds: endMs / 1000,
    firstDocSeconds,
    complete: last.done >= target,
    lagAtEnd: await groupLag(env, `connect-${PEER_CONNECTOR}`).catch(() => -1),
    errors,
  };
}
