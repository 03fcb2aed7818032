// The quick-start job: start the local stack, write a realistic set of tickets, run the archiver on them with a
// progress bar, and end with a summary a person can check: hot and cold counts, stuck deletions, and a verification
// that every ticket is in exactly one tier and every archived copy equals its row.
// It runs the product's archiver in-process, and checks the result with connections of its own, not the product's.
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { pino } from 'pino';
import { startArchiver } from '../../../services/archiver/archiver.ts';
import { archiverSchema } from '../../../services/archiver/settings.ts';
import { parseDuration } from '../../../services/core/duration.ts';
import { contentHash, type RowText } from '../../../services/core/move/coldDocument.ts';
import { loadConfig } from '../../../services/core/settings.ts';
import { isArchive } from '../../../services/core/move/moveProtocol.ts';
import type { StoredMove } from '../../../services/edges/coldStore/coldMoves.ts';
import type { StoredColdDocument } from '../../../services/edges/coldStore/documents.ts';
import { createTextPool } from '../../../services/edges/hotStore/pool.ts';
import { createKafka } from '../../../services/edges/kafka/client.ts';
import { stackSettings } from '../settings.ts';
import { stackKafkaSecurity, stackUp } from '../stack.ts';
import { insertTickets } from './insertTickets.ts';
import { sampleTicket, seededRandom } from './sampleTickets.ts';
import { demoSpec } from './businessSchema.ts';

export interface DemoOptions {
  tickets: number;
  coldAfter: string;
  seed: number;
  timeoutSeconds: number;
}

export async function runDemo(o: DemoOptions): Promise<number> {
  const coldAfterMs = parseDuration(o.coldAfter);
  if (coldAfterMs === undefined) throw new Error(`--cold-after: expected a duration such as 30d, got "${o.coldAfter}"`);
  console.log('1/4 starting the local stack (PostgreSQL, cold store, Kafka, Kafka Connect + Debezium)…');
  const env = await stackUp((m) => console.log(`    ${m}`));

  // This run's archiver group starts at the current end of the topic: it works on this run's tickets only.
  const groupId = `ticket-archiver-demo-${Date.now()}`;
  const admin = createKafka({
    brokers: env.KAFKA_BROKERS.split(','),
    clientId: 'ticket-archiver-demo',
    quiet: true,
    security: stackKafkaSecurity(env),
  }).admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(env.TICKETS_TOPIC);
  await admin.setOffsets({
    groupId,
    topic: env.TICKETS_TOPIC,
    partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })),
  });
  await admin.disconnect();

  console.log(
    `2/4 inserting ${o.tickets} sample tickets (open, recently closed, long closed; Chinese, English, emoji; bodies up to 20 KB)…`,
  );
  const random = seededRandom(o.seed);
  const now = Date.now();
  const samples = Array.from({ length: o.tickets }, () => sampleTicket(random, now, coldAfterMs));
  // The demo's tickets are written as the schema's owner, standing in for business code.
  const db = new pg.Pool({
    connectionString: env.MIGRATIONS_DATABASE_URL,
    application_name: 'ticket-archiver-demo',
    max: 4,
  });
  const textDb = createTextPool(env.DATABASE_URL, 'ticket-archiver-demo', 2, () => undefined);
  const ids = await insertTickets(db, samples);
  const cold = await db.query<{ id: string }>(
    `SELECT id::text AS id FROM tickets WHERE id = ANY($1::bigint[]) AND status = 'closed' AND last_operated_at <= now() - $2 * interval '1 millisecond'`,
    [ids, coldAfterMs],
  );
  const coldIds = cold.rows.map((r) => r.id);
  const originals = new Map(
    (await textDb.query<RowText>('SELECT * FROM tickets WHERE id = ANY($1::bigint[])', [coldIds])).rows.map((r) => [
      r.id as string,
      r,
    ]),
  );

  const logDir = stackSettings().logDir;
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'demo-archiver.log');
  console.log(`3/4 running the archiver (group ${groupId}, COLD_AFTER=${o.coldAfter}); its JSON log: ${logFile}`);
  const instance = `demo-${process.pid}-${Date.now()}`;
  const settings = loadConfig(
    {
      ...process.env,
      ...env,
      COLD_AFTER: o.coldAfter,
      ARCHIVER_GROUP_ID: groupId,
      HTTP_PORT: '0',
      INSTANCE_NAME: instance,
    },
    archiverSchema,
  );
  const archiver = await startArchiver(
    { ...settings, TICKETS_TOPIC: env.TICKETS_TOPIC },
    demoSpec(),
    pino({ name: 'ticket-archiver', level: 'info' }, pino.destination(openSync(logFile, 'a'))),
  );
  console.log(`    metrics: http://127.0.0.1:${archiver.port}/metrics`);

  const bar = new SingleBar(
    { format: '    archived {bar} {value}/{total} cold tickets | {duration}s', hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(coldIds.length, 0);
  const deadline = Date.now() + o.timeoutSeconds * 1000;
  let stillHot = coldIds.length;
  let lastPrint = 0;
  while (Date.now() < deadline) {
    const r = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM tickets WHERE id = ANY($1::bigint[])', [
      coldIds,
    ]);
    stillHot = Number(r.rows[0]?.n);
    bar.update(coldIds.length - stillHot);
    if (!process.stdout.isTTY && Date.now() - lastPrint > 5000) {
      lastPrint = Date.now();
      console.log(`    progress: ${coldIds.length - stillHot}/${coldIds.length} archived`);
    }
    if (stillHot === 0) break;
    await sleep(500);
  }
  bar.stop();
  if (stillHot > 0)
    console.log(`    stopped waiting after ${o.timeoutSeconds} s (--timeout) with ${stillHot} cold tickets still hot`);
  await archiver.stop('demo finished');

  console.log('4/4 verifying every ticket…');
  const store = await MongoClient.connect(env.MONGODB_URL);
  const archive = store.db('ticket_archive');
  const hotNow = new Set(
    (await db.query<{ id: string }>('SELECT id::text AS id FROM tickets WHERE id = ANY($1::bigint[])', [ids])).rows.map(
      (r) => r.id,
    ),
  );
  let archived = 0;
  let both = 0;
  let neither = 0;
  let exact = 0;
  let inexact = 0;
  let wronglyMoved = 0;
  const coldSet = new Set(coldIds);
  // This run's tickets are new, so their copies are the ones this run's archiver wrote (one equality query).
  const docs = new Map(
    (await archive.collection<StoredColdDocument>('tickets').find({ 'archive.mover': instance }).toArray()).map((d) => [
      d._id.toString(),
      d,
    ]),
  );
  // An archive by its own state, or by the commit of the move that wrote it (services/core/move/moveProtocol.ts).
  const moveStates = new Map(
    (
      await archive
        .collection<StoredMove>('moves')
        .find({ mover: instance }, { projection: { state: 1 } })
        .toArray()
    ).map((m) => [m._id, m.state]),
  );
  for (const id of ids) {
    const doc = docs.get(id);
    const isArchived = doc !== undefined && isArchive(doc.archive, moveStates.get(doc.archive.move ?? ''));
    if (isArchived) archived++;
    if (isArchived && hotNow.has(id)) both++;
    if (!isArchived && !hotNow.has(id)) neither++;
    if (isArchived && !coldSet.has(id)) wronglyMoved++;
    if (isArchived && doc) {
      const original = originals.get(id);
      if (
        original &&
        JSON.stringify(doc.row) === JSON.stringify(original) &&
        doc.archive.contentHash === contentHash(original)
      )
        exact++;
      else inexact++;
    }
  }
  const stuck = await archive.collection('stuck_deletions').countDocuments({});
  const status = await db.query<{ status: string; n: string }>(
    'SELECT status, count(*)::text AS n FROM tickets WHERE id = ANY($1::bigint[]) GROUP BY status ORDER BY status',
    [ids],
  );
  await store.close();
  await db.end();
  await textDb.end();

  console.log('\nSummary');
  console.log(`  tickets written          ${ids.length} (ids ${ids[0]}..${ids[ids.length - 1]})`);
  console.log(`  cold by the rule         ${coldIds.length} (closed, last operated more than ${o.coldAfter} ago)`);
  console.log(
    `  hot now                  ${hotNow.size}  (${status.rows.map((r) => `${r.status} ${r.n}`).join(', ')})`,
  );
  console.log(`  archived (cold store)    ${archived}`);
  console.log(`  stuck deletions          ${stuck}`);
  console.log(
    `  in exactly one tier      ${ids.length - both - neither}/${ids.length}  (in both: ${both}, in neither: ${neither})`,
  );
  console.log(`  hot tickets moved        ${wronglyMoved}`);
  console.log(
    `  exact copies             ${exact}/${archived}  (every column equal to the row as it was; content hash checked)`,
  );
  const ok =
    stillHot === 0 && both === 0 && neither === 0 && inexact === 0 && wronglyMoved === 0 && archived === coldIds.length;
  console.log(
    ok
      ? '\nOK: exactly the cold tickets moved, each once, each an exact copy.'
      : '\nFAILED: see the counts above and the archiver log.',
  );
  console.log('Connection settings: npm run -s stack:env    Stop the stack: npm run stack:down');
  return ok ? 0 : 1;
}
