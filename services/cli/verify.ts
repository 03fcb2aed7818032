// `ticket-archiver verify` and `ticket-archiver stuck`.
import { verifyTiers, violationCount } from '../verify/verifyTiers.ts';
import { withStores } from './stores.ts';

export async function runVerify(sample: number | undefined, json = false): Promise<number> {
  return withStores('ticket-archiver/verify', async (hot, cold) => {
    const report = await verifyTiers(hot, cold, sample === undefined ? {} : { sample });
    const n = violationCount(report);
    if (json) {
      console.log(JSON.stringify({ ...report, violationCount: n }));
      return n === 0 ? 0 : 1;
    }
    console.log(
      `checked: ${report.checked.hotTickets} hot tickets, ${report.checked.coldDocuments} cold documents, ${report.checked.ledgerArchived} archived by movers${report.checked.sampled ? ' (sample)' : ''}`,
    );
    for (const [name, ids] of Object.entries(report.violations)) {
      console.log(
        `  ${name.padEnd(22)} ${String(ids.length).padStart(6)}${ids.length ? `  ids: ${ids.slice(0, 50).join(', ')}${ids.length > 50 ? ', …' : ''}` : ''}`,
      );
    }
    console.log(`  pending copies (not violations) ${report.pendingCopies}`);
    console.log(n === 0 ? 'verify: OK, invariants 1 to 4 hold' : `verify: FAILED, ${n} violation(s)`);
    return n === 0 ? 0 : 1;
  });
}

export async function runStuck(escalatedOnly: boolean): Promise<number> {
  return withStores('ticket-archiver/stuck', async (_hot, cold) => {
    const list = await cold.stuck.list(escalatedOnly ? { escalated: true } : {});
    for (const s of list) {
      console.log(
        JSON.stringify({
          ticketId: s.ticketId,
          version: s.version,
          escalated: s.escalated,
          failureClass: s.failureClass,
          attempts: s.attempts,
          reason: s.reason,
          code: s.code,
          firstAttemptAt: s.firstAttemptAt,
          lastAttemptAt: s.lastAttemptAt,
          nextAttemptAt: s.nextAttemptAt,
        }),
      );
    }
    console.error(`${list.length} stuck deletion(s)${escalatedOnly ? ' escalated' : ''}`);
    return 0;
  });
}
