// `ticket-archiver reconcile [--once]`, `ticket-archiver verify`, `ticket-archiver stuck`.
import { loadConfig, configSchema } from '../shared/config.ts';
import { COLD_DATABASE, connectColdStore } from '../shared/coldStore.ts';
import { createLogger } from '../shared/logger.ts';
import { ColdTickets } from '../shared/move/coldTickets.ts';
import { createMoverPool } from '../shared/move/hotTickets.ts';
import { runReconciler } from '../reconciler/reconciler.ts';
import { reconcilerSchema } from '../reconciler/settings.ts';
import { verifyTiers, violationCount } from '../verify/verifyTiers.ts';

export async function runReconcile(once: boolean): Promise<number> {
  const settings = loadConfig(process.env, reconcilerSchema);
  const log = createLogger('ticket-archiver-reconciler', settings.LOG_LEVEL);
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const summaries = await runReconciler(settings, log, { once, stopped: () => stopping });
  const last = summaries[summaries.length - 1];
  if (once && last) console.log(JSON.stringify({ runId: last._id, ok: last.ok, counts: last.counts, outcomes: last.outcomes, errors: last.errors }));
  return last?.ok === false ? 1 : 0;
}

async function withStores<T>(work: (db: ReturnType<typeof createMoverPool>, cold: ColdTickets) => Promise<T>): Promise<T> {
  const s = loadConfig(process.env, configSchema.pick({ DATABASE_URL: true, MONGODB_URL: true }));
  const pool = createMoverPool(s.DATABASE_URL, 'ticket-archiver/verify', 2);
  const store = await connectColdStore(s.MONGODB_URL);
  try {
    return await work(pool, new ColdTickets(store.client.db(COLD_DATABASE)));
  } finally {
    await pool.end();
    await store.close();
  }
}

export async function runVerify(sample: number | undefined): Promise<number> {
  return withStores(async (db, cold) => {
    const report = await verifyTiers(db, cold, sample === undefined ? {} : { sample });
    const n = violationCount(report);
    console.log(`checked: ${report.checked.hotTickets} hot tickets, ${report.checked.coldDocuments} cold documents, ${report.checked.ledgerArchived} archived by movers${report.checked.sampled ? ' (sample)' : ''}`);
    for (const [name, ids] of Object.entries(report.violations)) {
      console.log(`  ${name.padEnd(22)} ${String(ids.length).padStart(6)}${ids.length ? `  ids: ${ids.slice(0, 50).join(', ')}${ids.length > 50 ? ', …' : ''}` : ''}`);
    }
    console.log(`  pending copies (not violations) ${report.pendingCopies}`);
    console.log(n === 0 ? 'verify: OK, invariants 1 to 4 hold' : `verify: FAILED, ${n} violation(s)`);
    return n === 0 ? 0 : 1;
  });
}

export async function runStuck(escalatedOnly: boolean): Promise<number> {
  return withStores(async (_db, cold) => {
    const list = await cold.listStuck(escalatedOnly ? { escalated: true } : {});
    for (const s of list) {
      console.log(JSON.stringify({
        ticketId: s._id.toString(), version: s.version.toString(), escalated: s.escalated, failureClass: s.failureClass, attempts: s.attempts,
        reason: s.reason, code: s.code, firstAttemptAt: s.firstAttemptAt, lastAttemptAt: s.lastAttemptAt, nextAttemptAt: s.nextAttemptAt,
      }));
    }
    console.error(`${list.length} stuck deletion(s)${escalatedOnly ? ' escalated' : ''}`);
    return 0;
  });
}
