// The ETA to an empty backlog as a range that can hold (seeds/000 asked for estimates that hold): from the moves of
// each full minute of the current run, its warm-up left out, less the tickets turning cold meanwhile; or no estimate,
// with the reason, while there is too little to go on or the backlog does not shrink. The current run begins when the
// last of the movers carrying the moves began moving: a backfill started beside archivers that move a trickle of
// timers all day is a new run, and the trickle's minutes before it say nothing of its rate.
import { humanSeconds } from '../core/humanDuration.ts';

/** The first seconds of a run (pools opening, caches cold, the throttle finding its level) say little of its rate. */
export const WARM_UP_SECONDS = 30;
/** Fewer full minutes than this give no estimate: one minute has no spread to show how far the rate wanders. */
export const MIN_FULL_MINUTES = 2;
/** The rate's band is never narrower than this share either side of its mean: a few steady minutes do not make the
 * next hour certain. */
export const MIN_RATE_BAND = 0.05;
/** A mover that moved less than this share of the busiest mover's tickets in the last minute does not decide where the run began (its
 * moves still count): a trickle beside a backfill, often with a quiet minute, would restart the run each time. */
export const CARRYING_SHARE = 0.1;
const WINDOW_MINUTES = 15;

export interface EtaInput {
  /** Tickets cold but still hot. */
  remaining: number;
  /** Each mover's moves in each minute counted back from the moment of asking (minute 0: the last 60 s), with the age
   * in seconds of that minute's oldest move; minutes without moves may be left out. */
  minutes: ReadonlyArray<{ minute: number; mover: string; moves: number; oldestAgoSeconds: number }>;
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
  const moving = i.minutes.filter((m) => m.moves > 0);
  const total = new Map<number, number>();
  for (const m of moving) total.set(m.minute, (total.get(m.minute) ?? 0) + m.moves);
  if (!total.has(0)) return none('no estimate: nothing moved in the last minute');
  const run = currentRun(moving);
  // A minute counts once it lies wholly after the warm-up: the minute the run began in is partial, and the seconds
  // after its first move are the warm-up.
  const rates = [...total]
    .filter(([minute]) => 60 * (minute + 1) <= run.began - WARM_UP_SECONDS)
    .map(([, moves]) => moves / 60);
  if (rates.length < MIN_FULL_MINUTES)
    return none(
      `no estimate yet: ${rates.length} of ${MIN_FULL_MINUTES} full minutes of moves since this run began ${humanSeconds(run.began)} ago with ${run.mover} (its first ${WARM_UP_SECONDS} s left out as warm-up)`,
    );
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
    basis: `${i.remaining} tickets at ${perSecond(slow)}–${perSecond(fast)}/s (the slowest and fastest of the last ${rates.length} full minutes, at least ±${MIN_RATE_BAND * 100}% of their mean ${perSecond(mean)}/s)${inflow}`,
  };
}

/** Where the current run began: each mover carrying the last minute has moved in every minute back to its first
 * move of this stretch; the run began with the latest of these stretches, seconds ago. */
function currentRun(moving: EtaInput['minutes']): { began: number; mover: string } {
  const key = (minute: number, mover: string) => `${minute}:${mover}`; // the minute has no colon: unique
  const at = new Map(moving.map((m) => [key(m.minute, m.mover), m]));
  const lastMinute = moving.filter((m) => m.minute === 0);
  const busiest = Math.max(...lastMinute.map((m) => m.moves));
  const carriers = lastMinute.filter((m) => m.moves >= CARRYING_SHARE * busiest);
  let run = { began: Infinity, mover: '' };
  for (const { mover } of carriers) {
    let minutes = 0;
    while (minutes < WINDOW_MINUTES && at.has(key(minutes, mover))) minutes++;
    const began = at.get(key(minutes - 1, mover))?.oldestAgoSeconds ?? 0;
    if (began < run.began) run = { began, mover };
  }
  return run;
}
