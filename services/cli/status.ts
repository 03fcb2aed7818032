// `ticket-archiver status [--json] [--watch N] [--estimate]`: exit 0 healthy, 1 degraded, 2 a store unreachable.
import { loadConfig } from '../core/settings.ts';
import { gatherStatus } from '../status/gather.ts';
import { renderStatus } from '../status/render.ts';
import { statusSchema } from '../status/settings.ts';

export async function runStatus(o: { json: boolean; watchSeconds?: number; estimate: boolean }): Promise<number> {
  const settings = loadConfig(process.env, statusSchema);
  let stopping = false;
  process.once('SIGINT', () => (stopping = true));
  process.once('SIGTERM', () => (stopping = true));
  for (;;) {
    const report = await gatherStatus(settings, { estimate: o.estimate });
    if (o.watchSeconds !== undefined && !o.json) process.stdout.write('\x1b[2J\x1b[H');
    console.log(o.json ? JSON.stringify(report) : renderStatus(report));
    if (o.watchSeconds === undefined || stopping) return report.exitCode;
    const until = Date.now() + o.watchSeconds * 1000;
    while (Date.now() < until && !stopping) await new Promise((r) => setTimeout(r, 200));
    if (stopping) return report.exitCode;
  }
}
