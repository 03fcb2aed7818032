// `ticket-archiver plan [--sample P] [--rate N] [--json]`.
import { loadConfig } from '../core/settings.ts';
import { openMoverHotStore } from '../edges/hotStore/index.ts';
import { plan } from '../plan/plan.ts';
import { renderPlan } from '../plan/render.ts';
import { planSchema } from './commandSettings.ts';
import { specOf } from './archiveSpec.ts';
import { commandConnection } from './stores.ts';

export async function runPlan(o: { samplePercent?: number; rate?: number; json: boolean }): Promise<number> {
  const s = loadConfig(process.env, planSchema);
  const hot = await openMoverHotStore(commandConnection(s.DATABASE_URL, 'plan'), specOf(s));
  try {
    const report = await plan(hot, {
      coldAfterMs: s.COLD_AFTER,
      ...(o.samplePercent !== undefined ? { samplePercent: o.samplePercent } : {}),
      ...(o.rate !== undefined ? { rate: o.rate } : {}),
    });
    console.log(o.json ? JSON.stringify(report) : renderPlan(report));
    return 0;
  } finally {
    await hot.close();
  }
}
