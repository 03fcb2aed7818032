// Writes one progress sample per minute (core/progressSample.ts) from a mover's cumulative counters, and a last one
// for the part of a minute when it closes, so the history outlives the process.
import type { Logger } from 'pino';
import { errorMessage } from '../core/errors.ts';
import { countersBetween, type ProgressCounters, type ProgressSample } from '../core/progressSample.ts';
import type { Lifecycle } from './lifecycle.ts';

export interface ProgressRecorderDeps {
  instance: string;
  role: ProgressSample['role'];
  retentionMs: number;
  counters(): ProgressCounters;
  /** Readings of the moment: the group's lag, the throttle. */
  extra?(): Promise<Pick<ProgressSample, 'lag' | 'throttle'>>;
  write(sample: ProgressSample): Promise<void>;
  log: Logger;
  intervalMs?: number;
}

/** Records every minute until `life` closes, and the minute under way then. */
export function recordProgress(d: ProgressRecorderDeps, life: Lifecycle): void {
  let previous = structuredClone(d.counters());
  let from = new Date();

  async function flush(): Promise<void> {
    const now = new Date();
    const current = structuredClone(d.counters());
    const delta = countersBetween(previous, current);
    previous = current;
    const at = from;
    from = now;
    const sample: ProgressSample = {
      _id: `${d.instance}/${at.toISOString()}`,
      at,
      instance: d.instance,
      role: d.role,
      ...delta,
      ...((await d.extra?.().catch(() => ({}))) ?? {}),
      expireAt: new Date(at.getTime() + d.retentionMs),
    };
    await d.write(sample);
  }

  const report = (err: unknown) =>
    d.log.warn({ err: errorMessage(err) }, 'could not record progress; the minute is missing from the history');
  life.every(d.intervalMs ?? 60_000, flush, report);
  life.onClose(() => flush().catch(report));
}
