// `ticket-archiver plan [--sample P] [--rate N] [--json]`.
import { configSchema, loadConfig } from '../core/settings.ts';
import { openHotStore } from '../edges/hotStore/index.ts';
import { plan } from '../plan/plan.ts';
import { renderPlan } from '../plan/render.ts';

export async function runPlan(o: { samplePercent?: number; rate?: number; json: boolean }): Promise<number> {
  const s = loadConfig(process.env, configSchema.pick({ DATABASE_URL: true, COLD_AFTER: true }));
  const hot = await openHotStore({
    databaseUrl: s.DATABASE_URL,
    applicationName: 'ticket-archiver/plan',
    coldAfterMs: s.COLD_AFTER,
    poolSize: 1,
  });
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
