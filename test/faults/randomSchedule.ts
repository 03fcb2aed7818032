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
 * Kinds come from a shuffled bag of all nine, refilled when empty: every kind strikes before any strikes twice, so a
 * run long enough for nine draws has met them all.
 */
export function randomSchedule(seed: number, durationMs: number, meanGapMs: number, minGapMs = 20_000): Strike[] {
  const random = seededRandom(seed);
  const strikes: Strike[] = [];
  let bag: FaultKind[] = [];
  for (let at = minGapMs; ;) {
    at += Math.max(minGapMs, -Math.log(1 - random()) * meanGapMs);
    if (at >= durationMs) return strikes;
    const r = random();
    const size = r < 0.1 ? 3 : r < 0.4 ? 2 : 1;
    const kinds: FaultKind[] = [];
    while (kinds.length < size) {
      if (bag.length === 0) bag = shuffled(FAULT_KINDS, random);
      const fits = (k: FaultKind) => !kinds.includes(k) && !(FLEET.has(k) && kinds.some((c) => FLEET.has(c)));
      const pick = bag.findIndex(fits);
      // None in the bag fits this strike: it strikes with fewer faults.
      if (pick < 0) break;
      kinds.push(...bag.splice(pick, 1));
    }
    strikes.push({ atMs: Math.round(at), kinds });
  }
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
