// Health and lag observation: every few seconds, whether both stores answer and the group has been joined (what
// /readyz reports), the committed lag of every partition (what operators and the autoscaler watch), the open stuck
// deletions, the age of each partition's oldest event in hand (a stall of any cause shows as a growing age), and a
// `progress` log line whenever the counts change.
import type { Logger } from 'pino';
import { errorMessage } from '../core/errors.ts';
import type { Lifecycle } from '../runtime/lifecycle.ts';
import type { ArchiverMetrics } from './metrics.ts';

export interface ObserverDeps {
  topic: string;
  pingHot(): Promise<void>;
  pingCold(): Promise<void>;
  groupLag(): Promise<Map<number, number>>;
  countStuck(): Promise<number>;
  joined(): boolean;
  assigned(): number[];
  /** Per partition in hand, when its oldest message not yet done was produced (epoch ms). */
  oldestPending(): ReadonlyMap<number, number>;
  now(): number;
  metrics: Pick<ArchiverMetrics, 'lag' | 'stuckOpen' | 'moves' | 'oldestPendingAge'>;
  log: Logger;
}

export interface Observer {
  /** Reads health and lag now (also done every `intervalMs` once started). */
  observe(): Promise<void>;
  /** What keeps the instance from being ready, or undefined when it is. */
  readiness(): Promise<string | undefined>;
  /** Observes every `intervalMs` until `life` stops. */
  start(intervalMs: number, life: Lifecycle): void;
}

export function observer(d: ObserverDeps): Observer {
  let problem: string | undefined = 'starting';
  let lastProgress = '';

  async function observe(): Promise<void> {
    const problems: string[] = [];
    await d.pingHot().catch((err: unknown) => problems.push(`postgres: ${errorMessage(err)}`));
    await d.pingCold().catch((err: unknown) => problems.push(`cold store: ${errorMessage(err)}`));
    if (!d.joined()) problems.push('consumer group not joined');
    problem = problems.length ? problems.join('; ') : undefined;
    d.metrics.oldestPendingAge.reset();
    for (const partition of d.assigned()) {
      const since = d.oldestPending().get(partition);
      d.metrics.oldestPendingAge.set(
        { partition: String(partition) },
        since === undefined ? 0 : Math.max(0, (d.now() - since) / 1000),
      );
    }
    try {
      for (const [partition, lag] of await d.groupLag())
        d.metrics.lag.set({ topic: d.topic, partition: String(partition) }, lag);
      d.metrics.stuckOpen.set(await d.countStuck());
      const moved = await d.metrics.moves.get();
      const counts = Object.fromEntries(moved.values.map((v) => [String(v.labels.outcome), v.value]));
      const lag = (await d.metrics.lag.get()).values.reduce((a, v) => a + v.value, 0);
      const signature = JSON.stringify([counts, lag]);
      if (signature !== lastProgress) {
        lastProgress = signature;
        d.log.info({ outcomes: counts, lag, partitions: d.assigned() }, 'progress');
      }
    } catch (err) {
      d.log.debug({ err: errorMessage(err) }, 'could not read lag');
    }
  }

  return {
    observe,
    readiness: () => Promise.resolve(problem),
    start(intervalMs, life) {
      life.every(intervalMs, observe, (err) => d.log.debug({ err: errorMessage(err) }, 'observation failed'));
    },
  };
}
