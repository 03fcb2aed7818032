// `ticket-archiver verify`: invariants 1 to 4 over every ticket or a sample; exit 1 naming the ids of any violation.
import { loadConfig } from '../core/settings.ts';
import { openMoverHotStore } from '../edges/hotStore/index.ts';
import { verifyTiers, violationCount } from '../verify/verifyTiers.ts';
import { storesSchema } from './commandSettings.ts';
import { specOf } from './archiveSpec.ts';
import { commandConnection, withStores } from './stores.ts';

export async function runVerify(sample: number | undefined, json = false): Promise<number> {
  const s = loadConfig(process.env, storesSchema);
  const spec = specOf(s);
  const openHot = () => openMoverHotStore(commandConnection(s.DATABASE_URL, 'verify'), spec);
  return withStores(s, spec, openHot, async (hot, cold) => {
    const report = await verifyTiers(hot, cold, spec, sample === undefined ? {} : { sample });
    const n = violationCount(report);
    if (json) {
      console.log(JSON.stringify({ ...report, violationCount: n }));
      return n === 0 ? 0 : 1;
    }
    const c = report.checked;
    const sampled = c.sampled ? ' (sample)' : '';
    console.log(
      `checked: ${c.hotTickets} hot tickets, ${c.coldDocuments} cold documents, ${c.ledgerArchived} archived by movers${sampled}`,
    );
    for (const [name, ids] of Object.entries(report.violations)) {
      const listed = ids.length ? `  ids: ${ids.slice(0, 50).join(', ')}${ids.length > 50 ? ', …' : ''}` : '';
      console.log(`  ${name.padEnd(22)} ${String(ids.length).padStart(6)}${listed}`);
    }
    console.log(`  pending copies (not violations) ${report.pendingCopies}`);
    console.log(n === 0 ? 'verify: OK, invariants 1 to 4 hold' : `verify: FAILED, ${n} violation(s)`);
    return n === 0 ? 0 : 1;
  });
}
