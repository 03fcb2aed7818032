// `ticket-archiver reconcile [--once]`, `ticket-archiver verify`, `ticket-archiver stuck`.
import { loadConfig, configSchema } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import type pg from 'pg';
import type { ColdTickets } from '../shared/move/coldTickets.ts';
import { openMoveStores } from '../shared/move/moveStores.ts';
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

async function withStores<T>(work: (db: pg.Pool, cold: ColdTickets) => Promise<T>): Promise<T> {
  const s = loadConfig(process.env, configSchema.pick({ DATABASE_URL: true, MONGODB_URL: true, COLD_AFTER: true }));
  const stores = await openMoveStores({
    databaseUrl: s.DATABASE_URL,
    mongodbUrl: s.MONGODB_URL,
    applicationName: 'ticket-archiver/verify',
    coldAfterMs: s.COLD_AFTER,
    poolSize: 2,
  });
  try {
    return await work(stores.pool, stores.cold);
  } finally {
    await stores.close();
  }
}

export async function runVerify(sample: number | undefined, json = false): Promise<number> {
  return withStores(async (db, cold) => {
    const report = await verifyTiers(db, cold, sample === undefined ? {} : { sample });
    const n = violationCount(report);
    if (json) {
      console.log(JSON.stringify({ ...report, violationCount: n }));
      return n === 0 ? 0 : 1;
    }
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
