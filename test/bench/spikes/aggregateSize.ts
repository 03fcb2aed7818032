// A design spike for issue 25 (docs/aggregates-design.md, section 3), not product code: it talks to the cold store
// with the mongodb driver directly. On the local stack's FerretDB it checks the 16 MiB document limit, then writes,
// reads back whole (sha256-checked) and deletes aggregates of 20 and 100 MiB two ways: (A) chunk documents of up to
// 8 MiB, a larger value sliced across consecutive chunks; (B) GridFS for values above 1 MiB, the rest embedded.
// Run: npm run -s stack:up && npx tsx test/bench/spikes/aggregateSize.ts (writes aggregateSize.json beside it).
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { BSON, GridFSBucket, MongoClient, ObjectId, type Db } from 'mongodb';
import { stackEnv } from '../../../infra/local/stack.ts';

const MiB = 1024 * 1024;
const DB = 'spike_aggregates';
const CHUNK = 8 * MiB;
const GRIDFS_ABOVE = MiB;
const REPEATS = 3;
/** Each aggregate's nominal size and its attachments' sizes (MiB); articles and histories add about 2 MiB. */
const CASES = { 20: [18], 100: [18, 18, 18, 18, 18, 8] };

/** One part row: its table's name, key and version, and each column as PostgreSQL's text of it. */
type PartRow = { part: string; key: string; version: string; columns: Record<string, string | null> };
/** A value moved out of its row (sliced across chunks, or a GridFS file), checked against its hash on read. */
type Moved = { row: number; column: string; sha256: string; file?: ObjectId };

type ChunkId = { ticket: number; move: number; seq: number };
const roots = (db: Db) => db.collection<{ _id: number; [field: string]: unknown }>('tickets');
const chunkDocs = (db: Db) => db.collection<{ _id: ChunkId; [field: string]: unknown }>('ticket_parts');
const bucketOf = (db: Db) => new GridFSBucket(db, { bucketName: 'part_values' });
/** Every chunk of one move of a ticket, by an `_id` range. */
const chunkRange = (ticket: number) => ({
  _id: { $gte: { ticket, move: 1, seq: 0 }, $lte: { ticket, move: 1, seq: Number.MAX_SAFE_INTEGER } },
});
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const digest = (rows: PartRow[]) => sha256(JSON.stringify(rows));
const bytes = (s: string) => Buffer.byteLength(s);
const WORDS = 'the parcel order refund invoice crashes again please 您好 订单 🙏 ticket urgent login'.split(' ');

const words = (n: number) => Array.from(randomBytes(n), (b) => WORDS[b % WORDS.length]).join(' ');

/** 40 articles of about 48 KiB of text, 200 histories, and attachments (bytea as '\x' + hex) of the sizes given. */
function aggregate(attachmentsMiB: number[]): PartRow[] {
  const row = (part: string, i: number, value: Record<string, string>) =>
    ({ part, key: String(i), version: '1', columns: { id: String(i), ...value } }) satisfies PartRow;
  const hex = (size: number) => '\\x' + randomBytes((size * MiB) / 2 - 1).toString('hex');
  return [
    ...Array.from({ length: 40 }, (_, i) => row('articles', i + 1, { body: words(7000) })),
    ...Array.from({ length: 200 }, (_, i) => row('histories', i + 1, { value: words(80) })),
    ...attachmentsMiB.map((size, i) => row('attachments', i + 1, { data: hex(size) })),
  ];
}

/** The end of a slice of `text` from `start` of at most `budget` UTF-8 bytes, never inside a surrogate pair. */
function sliceEnd(text: string, start: number, budget: number): number {
  let end = Math.min(text.length, start + budget);
  while (bytes(text.slice(start, end)) > budget) end = start + Math.floor((end - start) / 2);
  const last = text.charCodeAt(end - 1);
  return end < text.length && last >= 0xd800 && last <= 0xdbff ? end - 1 : end;
}

/** Layout A: chunk documents `{ _id: { ticket, move, seq }, rows, slice? }`, then the root with the manifest. */
const chunked = {
  async write(db: Db, ticket: number, rows: PartRow[]): Promise<number> {
    const chunks: Record<string, unknown>[] = [];
    const moved: Moved[] = [];
    let batch: PartRow[] = [];
    let size = 0;
    const flush = () => {
      if (batch.length) chunks.push({ rows: batch });
      batch = [];
      size = 0;
    };
    rows.forEach((row, index) => {
      const columns = { ...row.columns };
      const slices: { column: string; text: string }[] = [];
      for (const [column, value] of Object.entries(columns))
        if (value !== null && bytes(value) > CHUNK / 2) {
          for (let at = 0; at < value.length;) {
            const end = sliceEnd(value, at, CHUNK);
            slices.push({ column, text: value.slice(at, end) });
            at = end;
          }
          moved.push({ row: index, column, sha256: sha256(value) });
          columns[column] = null;
        }
      const rowSize = bytes(JSON.stringify(columns)) + 64;
      if (size + rowSize > CHUNK) flush();
      batch.push({ ...row, columns });
      size += rowSize;
      if (slices.length) flush();
      for (const s of slices) chunks.push({ slice: { row: index, ...s } });
    });
    flush();
    const docs = chunks.map((c, seq) => ({ _id: { ticket, move: 1, seq }, ...c }));
    await chunkDocs(db).insertMany(docs, { ordered: true });
    await roots(db).insertOne({ _id: ticket, move: 1, chunks: docs.length, moved, sha256: digest(rows) });
    return docs.length;
  },
  async read(db: Db, ticket: number): Promise<PartRow[]> {
    const root = await roots(db).findOne({ _id: ticket });
    if (!root) throw new Error(`no root for ${ticket}`);
    const chunks = await chunkDocs(db).find(chunkRange(ticket)).sort({ _id: 1 }).toArray();
    if (chunks.length !== root.chunks) throw new Error(`${chunks.length} chunks of ${String(root.chunks)}`);
    const rows: PartRow[] = [];
    const texts = new Map<string, string[]>();
    for (const c of chunks) {
      if (c.rows) rows.push(...(c.rows as PartRow[]));
      const s = c.slice as { row: number; column: string; text: string } | undefined;
      if (s) texts.set(`${s.row}/${s.column}`, [...(texts.get(`${s.row}/${s.column}`) ?? []), s.text]);
    }
    for (const m of root.moved as Moved[]) {
      const value = (texts.get(`${m.row}/${m.column}`) ?? []).join('');
      if (sha256(value) !== m.sha256) throw new Error(`row ${m.row} ${m.column}: hash differs`);
      rows[m.row]!.columns[m.column] = value;
    }
    return rows;
  },
  async delete(db: Db, ticket: number): Promise<void> {
    await chunkDocs(db).deleteMany(chunkRange(ticket));
    await roots(db).deleteOne({ _id: ticket });
  },
};

/** Layout B: values above GRIDFS_ABOVE as GridFS files, the rows (with those values null) embedded in the root. */
const gridfs = {
  async write(db: Db, ticket: number, rows: PartRow[]): Promise<number> {
    const bucket = bucketOf(db);
    const moved: Moved[] = [];
    const embedded: PartRow[] = [];
    for (const [index, row] of rows.entries()) {
      const columns = { ...row.columns };
      for (const [column, value] of Object.entries(columns))
        if (value !== null && bytes(value) > GRIDFS_ABOVE) {
          const upload = bucket.openUploadStream(`${ticket}/1/${index}/${column}`);
          await new Promise<void>((resolve, reject) => upload.once('error', reject).end(value, () => resolve()));
          moved.push({ row: index, column, sha256: sha256(value), file: upload.id });
          columns[column] = null;
        }
      embedded.push({ ...row, columns });
    }
    await roots(db).insertOne({ _id: ticket, move: 1, rows: embedded, moved, sha256: digest(rows) });
    return moved.length;
  },
  async read(db: Db, ticket: number): Promise<PartRow[]> {
    const bucket = bucketOf(db);
    const root = await roots(db).findOne({ _id: ticket });
    if (!root) throw new Error(`no root for ${ticket}`);
    const rows = root.rows as PartRow[];
    for (const m of root.moved as Moved[]) {
      const parts: Buffer[] = [];
      for await (const b of bucket.openDownloadStream(m.file!)) parts.push(b as Buffer);
      const value = Buffer.concat(parts).toString('utf8');
      if (sha256(value) !== m.sha256) throw new Error(`row ${m.row} ${m.column}: hash differs`);
      rows[m.row]!.columns[m.column] = value;
    }
    return rows;
  },
  async delete(db: Db, ticket: number): Promise<void> {
    const bucket = bucketOf(db);
    const root = await roots(db).findOne({ _id: ticket });
    for (const m of (root?.moved ?? []) as Moved[]) await bucket.delete(m.file!);
    await roots(db).deleteOne({ _id: ticket });
  },
};

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await f();
  return [value, Math.round(performance.now() - t)];
}

/** The scratch database's storage (dbStats' storageSize) in MiB; null if this store does not report it. */
async function storageMiB(db: Db): Promise<number | null> {
  const s = await db.command({ dbStats: 1 }).catch(() => null);
  return s ? Math.round((Number(s.storageSize) / MiB) * 10) / 10 : null;
}

/** A document of `size` BSON bytes, inserted with insertOne and with a raw insert command (past any driver check). */
async function limitProbe(db: Db, size: number) {
  const doc = (id: string) => ({ _id: id, pad: 'x'.repeat(size - 25 - id.length) });
  type Failure = Error & { code?: unknown };
  const outcome = (f: () => Promise<unknown>) =>
    f().then(
      () => ({ ok: true }),
      (e: Failure) => ({ ok: false, name: e.name, code: e.code, message: e.message }),
    );
  return {
    bsonBytes: BSON.calculateObjectSize(doc('one')),
    insertOne: await outcome(() => db.collection<{ _id: string }>('limit').insertOne(doc(`one-${size}`))),
    command: await outcome(() => db.command({ insert: 'limit', documents: [doc(`cmd-${size}`)] })),
  };
}

async function main() {
  const client = await new MongoClient(process.env.MONGODB_URL ?? stackEnv().MONGODB_URL).connect();
  const db = client.db(DB);
  await db.dropDatabase();
  const { maxBsonObjectSize } = (await db.admin().command({ hello: 1 })) as { maxBsonObjectSize?: number };
  const build = (await db.admin().command({ buildInfo: 1 })) as { version?: string; ferretdb?: unknown };
  const limit = [await limitProbe(db, 16 * MiB + 1024), await limitProbe(db, 16 * MiB - 100 * 1024)];
  const results = [];
  for (const [sizeMiB, attachments] of Object.entries(CASES).map(([k, v]) => [Number(k), v] as const)) {
    const rows = aggregate(attachments);
    const totalMiB = rows.reduce((n, r) => n + bytes(JSON.stringify(r.columns)), 0) / MiB;
    for (const [layout, impl] of Object.entries({ 'A chunks': chunked, 'B GridFS': gridfs })) {
      for (let run = 1; run <= REPEATS; run++) {
        const ticket = sizeMiB * 100 + run;
        const before = await storageMiB(db);
        const [docs, writeMs] = await timed(() => impl.write(db, ticket, rows));
        const written = await storageMiB(db);
        const [back, readMs] = await timed(() => impl.read(db, ticket));
        const identical = digest(back) === digest(rows);
        const [, deleteMs] = await timed(() => impl.delete(db, ticket));
        const storage = { before, written, deleted: await storageMiB(db) };
        const r = { layout, sizeMiB, totalMiB: +totalMiB.toFixed(2), run, docs, writeMs, readMs, deleteMs, identical };
        results.push({ ...r, storageMiB: storage });
        console.error(JSON.stringify(results.at(-1)));
      }
    }
  }
  await db.dropDatabase();
  await client.close();
  const out = {
    spike: 'issue 25: aggregates above 16 MiB (docs/aggregates-design.md section 3)',
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim(),
    date: new Date().toISOString(),
    machine: { cores: cpus().length, ramGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    coldStore: { version: build.version, ferretdb: build.ferretdb ?? null, maxBsonObjectSize },
    settings: { chunkBytes: CHUNK, gridfsAboveBytes: GRIDFS_ABOVE, gridfsChunkBytes: 255 * 1024, repeats: REPEATS },
    limit,
    results,
  };
  writeFileSync(new URL('aggregateSize.json', import.meta.url), JSON.stringify(out, null, 2) + '\n');
  const grew = (x: number | null, y: number | null) => (x === null || y === null ? '?' : (y - x).toFixed(1));
  console.log(
    '| layout | MiB | run | docs | write ms | read ms | delete ms | identical | storage +MiB at write, delete |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const { layout, sizeMiB, run, docs, writeMs, readMs, deleteMs, identical, storageMiB: m } of results) {
    const storage = `${grew(m.before, m.written)}, ${grew(m.written, m.deleted)}`;
    console.log(
      `| ${layout} | ${sizeMiB} | ${run} | ${docs} | ${writeMs} | ${readMs} | ${deleteMs} | ${identical} | ${storage} |`,
    );
  }
  console.log(`document limit: ${JSON.stringify(limit)}`);
}

await main();
