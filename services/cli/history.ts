// `ticket-archiver history [--since 90d] [--by hour|day] [--json] [--chart FILE]`.
import { loadConfig } from '../core/settings.ts';
import { openColdStore } from '../edges/coldStore/index.ts';
import { history, type HistoryBucketSize } from '../history/history.ts';
import { historyChart, renderHistory } from '../history/render.ts';
import { specOf } from './archiveSpec.ts';
import { coldStoreSchema } from './commandSettings.ts';

export async function runHistory(o: {
  sinceMs: number;
  by: HistoryBucketSize;
  json: boolean;
  chart?: string;
  instance?: string;
}): Promise<number> {
  const s = loadConfig(process.env, coldStoreSchema);
  const cold = await openColdStore(s.MONGODB_URL, specOf(s), { database: s.COLD_DATABASE });
  try {
    const to = new Date();
    const report = await history(cold, {
      from: new Date(to.getTime() - o.sinceMs),
      to,
      by: o.by,
      ...(o.instance ? { instance: o.instance } : {}),
    });
    console.log(o.json ? JSON.stringify(report) : renderHistory(report));
    if (o.chart) {
      // Loaded only to draw: the renderer (Vega, resvg) is the heaviest part of the program.
      const { writeChart } = await import('../runtime/chartImage.ts');
      await writeChart(o.chart, historyChart(report));
      if (!o.json) console.log(`chart: ${o.chart}`);
    }
    return 0;
  } finally {
    await cold.close();
  }
}
