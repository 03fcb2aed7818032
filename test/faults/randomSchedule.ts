// The schedule of the random-fault run: when faults strike and which, alone or several at once, drawn from a seed so
// that a run's schedule can be replayed exactly (the system's own timing still varies from run to run).
import { seededRandom } from '../../infra/local/demo/sampleTickets.ts';

export { seededRandom };

export const FAULT_KINDS = [
  'kill-archiver',
  'restart-connect',
  'restart-kafka',
  'restart-postgres',
  'stop-cold-store',
  'rebalance-storm',
  'redelivery',
  'add-column',
  'update-burst',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that stop, start or rewind the archiver fleet: at most one of them per strike. */
const FLEET: ReadonlySet<FaultKind> = new Set(['kill-archiver', 'rebalance-storm', 'redelivery']);

export interface Strike {
  /** Milliseconds after the run's start. */
  atMs: number;
  kinds: FaultKind[];
}

/**
 * Strikes over `durationMs`, the gaps between them exponential with mean `meanGapMs` (but never under `minGapMs`, so a
 * strike's faults have begun before the next), each of one kind, or two or three at once (30% and 10% of strikes).
 */
export function randomSchedule(seed: number, durationMs: number, meanGapMs: number, minGapMs = 20_000): Strike[] {
  const random = seededRandom(seed);
  const strikes: Strike[] = [];
  for (let at = minGapMs; ; ) {
    at += Math.max(minGapMs, -Math.log(1 - random()) * meanGapMs);
    if (at >= durationMs) return strikes;
    const r = random();
    const size = r < 0.1 ? 3 : r < 0.4 ? 2 : 1;
    const kinds: FaultKind[] = [];
    while (kinds.length < size) {
      const kind = FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)] as FaultKind;
      if (kinds.includes(kind) || (FLEET.has(kind) && kinds.some((k) => FLEET.has(k)))) continue;
      kinds.push(kind);
    }
    strikes.push({ atMs: Math.round(at), kinds });
  }
}
