// Writes one progress sample per minute (core/progressSample.ts) from a mover's cumulative counters, and a last one
// for the part of a minute when it stops, so the history outlives the process.
import type { Logger } from 'pino';
import { countersBetween, type ProgressCounters, type ProgressSample } from '../core/progressSample.ts';

export interface ProgressRecorderDeps {
  instance: string;
  role: ProgressSample['role'];
  retentionMs: number;
  counters(): Promise<ProgressCounters>;
  /** Readings of the moment: the group's lag, the throttle. */
  extra?(): Promise<Pick<ProgressSample, 'lag' | 'throttle'>>;
  write(sample: ProgressSample): Promise<void>;
  log: Logger;
  intervalMs?: number;
}

export interface ProgressRecorder {
  start(): Promise<void>;
  /** Records the minute under way and stops. */
  stop(): Promise<void>;
}

export function progressRecorder(d: ProgressRecorderDeps): ProgressRecorder {
  let previous: ProgressCounters | undefined;
  let from = new Date();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  async function flush(): Promise<void> {
    const now = new Date();
    const current = await d.counters();
    const delta = countersBetween(previous ?? current, current);
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
    await d
      .write(sample)
      .catch((err: unknown) =>
        d.log.warn(
          { err: (err as Error).message },
          'could not record progress; the minute is missing from the history',
        ),
      );
  }

  return {
    async start() {
      previous = await d.counters();
      from = new Date();
      timer = setInterval(() => {
        writing = writing.then(flush);
      }, d.intervalMs ?? 60_000);
    },
    async stop() {
      clearInterval(timer);
      await writing;
      await flush();
    },
  };
}
