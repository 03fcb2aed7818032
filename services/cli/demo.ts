// The quick-start job for now: start the local stack, write a realistic set of tickets, and show their change
// events arriving in Kafka, parsed as the archiver will parse them. Ends with a summary a person can check.
import { SingleBar, Presets } from 'cli-progress';
import pg from 'pg';
import { stackUp } from '../../infra/local/stack.ts';
import { parseTicketEvent, MalformedEventError } from '../shared/debezium/ticketEvent.ts';
import { createKafka } from '../shared/kafka.ts';
import { parseDuration } from '../shared/duration.ts';
import { insertTickets } from '../shared/ticketRepository.ts';
import { sampleTicket, seededRandom } from '../shared/sampleTickets.ts';

export interface DemoOptions {
  tickets: number;
  coldAfter: string;
  seed: number;
  timeoutSeconds: number;
}

export async function runDemo(o: DemoOptions): Promise<number> {
  const coldAfterMs = parseDuration(o.coldAfter);
  if (coldAfterMs === undefined) throw new Error(`--cold-after: expected a duration such as 30d, got "${o.coldAfter}"`);
  console.log('1/3 starting the local stack (PostgreSQL, cold store, Kafka, Kafka Connect + Debezium)…');
  const env = await stackUp((m) => console.log(`    ${m}`));

  const kafka = createKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'ticket-archiver-demo', quiet: true });
  const admin = kafka.admin();
  await admin.connect();
  const startOffsets = await admin.fetchTopicOffsets(env.TICKETS_TOPIC);
  await admin.disconnect();

  const consumer = kafka.consumer({ groupId: `ticket-archiver-demo-${Date.now()}` });
  const expected = new Set<string>();
  const seen = new Map<string, { op: string; partition: number; lagMs: number }>();
  const byOp = new Map<string, number>();
  let malformed = 0;
  await consumer.connect();
  await consumer.subscribe({ topic: env.TICKETS_TOPIC, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ partition, message }) => {
      try {
        const e = parseTicketEvent(message.key, message.value);
        if (e.kind === 'upsert' && expected.has(String(e.id)) && !seen.has(String(e.id))) {
          seen.set(String(e.id), { op: e.op, partition, lagMs: Date.now() - e.source.ts_ms });
          byOp.set(e.op, (byOp.get(e.op) ?? 0) + 1);
        }
      } catch (err) {
        if (err instanceof MalformedEventError) malformed++;
        else throw err;
      }
      return Promise.resolve();
    },
  });
  for (const p of startOffsets) consumer.seek({ topic: env.TICKETS_TOPIC, partition: p.partition, offset: p.offset });

  console.log(`2/3 inserting ${o.tickets} sample tickets into public.tickets…`);
  const random = seededRandom(o.seed);
  const now = Date.now();
  const samples = Array.from({ length: o.tickets }, () => sampleTicket(random, now, coldAfterMs));
  const db = new pg.Client({ connectionString: env.DATABASE_URL, application_name: 'ticket-archiver-demo' });
  await db.connect();
  const ids = await insertTickets(db, samples);
  for (const id of ids) expected.add(id);

  console.log(`3/3 waiting for their change events on ${env.TICKETS_TOPIC}…`);
  const bar = new SingleBar({ format: '    events {bar} {value}/{total} tickets | {duration}s', hideCursor: true }, Presets.shades_classic);
  bar.start(ids.length, 0);
  const deadline = Date.now() + o.timeoutSeconds * 1000;
  while (seen.size < ids.length && Date.now() < deadline) {
    bar.update(seen.size);
    await new Promise((r) => setTimeout(r, 200));
  }
  bar.update(seen.size);
  bar.stop();
  await consumer.disconnect();

  const hot = await db.query<{ status: string; n: string }>(
    'SELECT status, count(*)::text AS n FROM public.tickets WHERE id = ANY($1::bigint[]) GROUP BY status ORDER BY status',
    [ids],
  );
  await db.end();
  const cold = samples.filter((t) => t.status === 'closed' && now - t.last_operated_at.getTime() > coldAfterMs).length;
  const lags = [...seen.values()].map((s) => s.lagMs).sort((a, b) => a - b);
  const pct = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? 0;
  const partitions = new Set([...seen.values()].map((s) => s.partition));

  console.log('\nSummary');
  console.log(`  tickets inserted        ${ids.length} (ids ${ids[0]}..${ids[ids.length - 1]})`);
  for (const r of hot.rows) console.log(`    ${r.status.padEnd(22)}${r.n}`);
  console.log(`  cold by the rule now    ${cold} (closed and last operated more than ${o.coldAfter} ago; moved by the archiver once it exists)`);
  console.log(`  events received         ${seen.size}/${ids.length} (${[...byOp].map(([op, n]) => `op=${op}: ${n}`).join(', ')})`);
  console.log(`  partitions used         ${partitions.size} (keyed by ticket id)`);
  console.log(`  commit → consumer       p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${lags[lags.length - 1] ?? 0} ms`);
  console.log(`  malformed messages      ${malformed}`);
  console.log(`  connection settings     npm run -s stack:env    stop: npm run stack:down`);
  const ok = seen.size === ids.length && malformed === 0;
  console.log(ok ? '\nOK: every inserted ticket arrived as a Debezium create event.' : '\nFAILED: some events did not arrive in time.');
  return ok ? 0 : 1;
}
