// The ETA to an empty backlog as a range that can hold (seeds/000 asked for estimates that hold): from the moves of
// each full minute of the current run, its warm-up left out, less the tickets turning cold meanwhile; or no estimate,
// with the reason, while there is too little to go on or the backlog does not shrink.
import { humanSeconds } from '../core/humanDuration.ts';

/** The first seconds of a run (pools opening, caches cold, the throttle finding its level) say little of its rate. */
export const WARM_UP_SECONDS = 30;
/** Fewer full minutes than this give no estimate: one minute has no spread to show how far the rate wanders. */
export const MIN_FULL_MINUTES = 2;
/** The rate's band is never narrower than this share either side of its mean: a few steady minutes do not make the
 * next hour certain. */
export const MIN_RATE_BAND = 0.05;
const WINDOW_MINUTES = 15;

export interface EtaInput {
  /** Tickets cold but still hot. */
  remaining: number;
  /** Moves in each minute counted back from the moment of asking (minute 0: the last 60 s), with the age in seconds
   * of each minute's oldest move; minutes without moves may be left out. */
  minutes: ReadonlyArray<{ minute: number; moves: number; oldestAgoSeconds: number }>;
  /** Tickets turning cold in the next hour and the next day (the archivers' timers): the backlog's inflow. */
  dueNextHour: number;
  dueNextDay: number;
}

export type EtaRange =
  { low: number; high: number; point: number; basis: string } | { low: null; high: null; point: null; basis: string };

const perSecond = (x: number) => (x >= 100 ? Math.round(x) : Math.round(x * 100) / 100);
const none = (basis: string): EtaRange => ({ low: null, high: null, point: null, basis });

/** Seconds to an empty backlog: low at the fastest minute's rate less the smaller inflow, high at the slowest less
 * the larger, point at the run's mean less the mean inflow (always between them). */
export function etaRange(i: EtaInput): EtaRange {
  if (i.remaining <= 0) return { low: 0, high: 0, point: 0, basis: 'the backlog is empty' };
  const byMinute = new Map(i.minutes.filter((m) => m.moves > 0).map((m) => [m.minute, m]));
  if (!byMinute.has(0)) return none('no estimate: nothing moved in the last minute');
  // The current run: the minutes with moves back from now up to the first without; it began at its oldest move.
  let runMinutes = 0;
  while (runMinutes < WINDOW_MINUTES && byMinute.has(runMinutes)) runMinutes++;
  const began = byMinute.get(runMinutes - 1)?.oldestAgoSeconds ?? 0;
  // A minute counts once it lies wholly after the warm-up: the minute the run began in is partial, and the seconds
  // after its first move are the warm-up.
  const full = [...byMinute.values()].filter(
    (m) => m.minute < runMinutes && 60 * (m.minute + 1) <= began - WARM_UP_SECONDS,
  );
  if (full.length < MIN_FULL_MINUTES)
    return none(
      `no estimate yet: ${full.length} of ${MIN_FULL_MINUTES} full minutes of moves since this run's first ${humanSeconds(began)} ago (its first ${WARM_UP_SECONDS} s left out as warm-up)`,
    );
  const rates = full.map((m) => m.moves / 60);
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  const slow = Math.min(...rates, mean * (1 - MIN_RATE_BAND));
  const fast = Math.max(...rates, mean * (1 + MIN_RATE_BAND));
  const inflows = [i.dueNextHour / 3600, i.dueNextDay / 86_400];
  const [inLow, inHigh] = [Math.min(...inflows), Math.max(...inflows)];
  const inflow = inHigh > 0 ? `, less ${perSecond(inLow)}–${perSecond(inHigh)}/s turning cold (timers due)` : '';
  if (mean <= (inLow + inHigh) / 2)
    return none(
      `no estimate: the backlog does not shrink (${perSecond(mean)}/s moved against ${perSecond((inLow + inHigh) / 2)}/s turning cold)`,
    );
  if (slow <= inHigh)
    return none(
      `no estimate: the backlog may not shrink (the slowest minute moved ${perSecond(slow)}/s against up to ${perSecond(inHigh)}/s turning cold)`,
    );
  return {
    low: Math.floor(i.remaining / (fast - inLow)),
    high: Math.ceil(i.remaining / (slow - inHigh)),
    point: Math.round(i.remaining / (mean - (inLow + inHigh) / 2)),
    basis: `${i.remaining} tickets at ${perSecond(slow)}–${perSecond(fast)}/s (the slowest and fastest of the last ${full.length} full minutes, at least ±${MIN_RATE_BAND * 100}% of their mean ${perSecond(mean)}/s)${inflow}`,
  };
}
